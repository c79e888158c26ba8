/** Seeded generators of mention-like series for specs: deterministic, no Math.random. */

/**
 * A Poisson draw of mean `lambda`: inversion below 50, normal approximation above. It always
 * consumes two uniforms, so two series that differ only in their means share the same noise.
 */
export function drawPoisson(lambda: number, uniform: () => number): number {
  const first = uniform();
  const second = uniform();
  if (lambda > 50) {
    const normal = Math.sqrt(-2 * Math.log(1 - first)) * Math.cos(2 * Math.PI * second);
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal));
  }
  let count = 0;
  let probability = Math.exp(-lambda);
  let cumulative = probability;
  while (first > cumulative && count < 1000) {
    count += 1;
    probability *= lambda / count;
    cumulative += probability;
  }
  return count;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
/** Midnight UTC on a Monday, where the generated brands start. */
export const A_MONDAY_MS = Date.UTC(2026, 0, 5);

/** Mean mentions per interval with a night trough and an evening peak at 20:00 UTC. */
export function dailyMean(timeMs: number, baseMean: number): number {
  const hour = ((timeMs % DAY_MS) / HOUR_MS + 24) % 24;
  const evening = Math.exp(-((hour - 20) ** 2) / 8);
  const night = hour < 6 ? 0.2 : 1;
  return baseMean * (night + 2.5 * evening);
}
