import { z } from 'zod';

const MINUTE_MS = 60_000;

/** Mention counts of one minute, keyed by the minute's start (ms since epoch). */
export const minuteBucketSchema = z
  .object({
    startMs: z.number().int(),
    total: z.number().int().nonnegative(),
    negative: z.number().int().nonnegative(),
  })
  .strict();

/**
 * Per trigger × brand sliding window, in one-minute buckets: at most windowMs / 1 min buckets
 * are kept, so the state stays small whatever the traffic.
 */
export const shareWindowSchema = z
  .object({ buckets: z.array(minuteBucketSchema), lastHitAtMs: z.number().int().optional() })
  .strict();

export type MinuteBucket = z.infer<typeof minuteBucketSchema>;
export type ShareWindow = z.infer<typeof shareWindowSchema>;

export interface ShareTotals {
  negative: number;
  total: number;
}

function minuteOf(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/**
 * Counts one mention at `atMs` and drops buckets older than `windowMs`. A mention older than
 * the window is ignored. Returns a new window; the input is not modified.
 */
export function countInShareWindow(
  window: ShareWindow | undefined,
  isNegative: boolean,
  atMs: number,
  windowMs: number,
): ShareWindow {
  const minute = minuteOf(atMs);
  const newest = Math.max(minute, ...(window?.buckets.map((bucket) => bucket.startMs) ?? []));
  const oldestKept = newest - Math.ceil(windowMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  const buckets = (window?.buckets ?? []).filter((bucket) => bucket.startMs >= oldestKept);
  if (minute >= oldestKept) {
    const index = buckets.findIndex((bucket) => bucket.startMs === minute);
    const current = buckets[index];
    const counted = {
      startMs: minute,
      total: (current?.total ?? 0) + 1,
      negative: (current?.negative ?? 0) + (isNegative ? 1 : 0),
    };
    if (index >= 0) buckets[index] = counted;
    else {
      buckets.push(counted);
      buckets.sort((a, b) => a.startMs - b.startMs);
    }
  }
  return { ...window, buckets };
}

/** Sums the buckets of a window. */
export function sumShareWindow(window: ShareWindow): ShareTotals {
  return window.buckets.reduce(
    (sum, bucket) => ({ negative: sum.negative + bucket.negative, total: sum.total + bucket.total }),
    { negative: 0, total: 0 },
  );
}

/** True when a hit was already raised in the minute of `atMs`: one hit a minute is enough to keep an alert alive. */
export function hasHitThisMinute(window: ShareWindow, atMs: number): boolean {
  return window.lastHitAtMs !== undefined && minuteOf(window.lastHitAtMs) === minuteOf(atMs);
}
