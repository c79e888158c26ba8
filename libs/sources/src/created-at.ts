/** How an item's own date was used. */
export type CreatedAtAdjustment = 'as-given' | 'clamped-future' | 'missing';

export interface ResolvedCreatedAt {
  iso: string;
  adjustment: CreatedAtAdjustment;
}

/**
 * The event time to give an item. A date further ahead of `nowMs` than `maxFutureSkewMs` (a
 * publisher's wrong clock or time zone) is clamped to now, so it cannot sit in the future of
 * every event-time window; a missing or unreadable date becomes now (when it was first seen).
 */
export function resolveCreatedAt(raw: string | undefined, nowMs: number, maxFutureSkewMs: number): ResolvedCreatedAt {
  const parsed = raw === undefined ? Number.NaN : Date.parse(raw);
  if (!Number.isFinite(parsed)) return { iso: new Date(nowMs).toISOString(), adjustment: 'missing' };
  if (parsed > nowMs + maxFutureSkewMs) return { iso: new Date(nowMs).toISOString(), adjustment: 'clamped-future' };
  return { iso: new Date(parsed).toISOString(), adjustment: 'as-given' };
}
