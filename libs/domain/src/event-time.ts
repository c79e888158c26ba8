/**
 * Why a mention's event time cannot be believed, or undefined when it can. A source's clock may
 * run ahead by a little; a createdAt further ahead of the receiving clock than `maxClockSkewMs`
 * would move event-time watermarks into the future and close every interval up to it, so it is
 * refused rather than clamped: the real time is unknown, and a clamped batch of such mentions
 * would pile into the current interval as a spike that never happened.
 * @param createdAtIso the mention's createdAt (ISO-8601, already validated)
 * @param nowMs the receiving clock, ms since epoch
 * @param maxClockSkewMs how far ahead of `nowMs` an event time may be, ms
 */
export function futureEventTimeReason(createdAtIso: string, nowMs: number, maxClockSkewMs: number): string | undefined {
  const eventTimeMs = Date.parse(createdAtIso);
  if (!Number.isFinite(eventTimeMs)) return `createdAt ${createdAtIso} is not a readable time`;
  if (eventTimeMs <= nowMs + maxClockSkewMs) return undefined;
  return (
    `createdAt ${createdAtIso} is ${describeAhead(eventTimeMs - nowMs)} ahead of the clock ` +
    `(${new Date(nowMs).toISOString()}); at most MAX_CLOCK_SKEW_MS = ${maxClockSkewMs} ms is allowed`
  );
}

function describeAhead(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1_000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms >= size) {
      const amount = Math.floor(ms / size);
      return `${amount} ${name}${amount === 1 ? '' : 's'}`;
    }
  }
  return `${ms} ms`;
}
