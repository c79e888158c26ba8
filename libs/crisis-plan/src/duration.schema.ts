import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;

/**
 * Converts a human duration ("30s", "5m", "2h", "1d", "1w", "250ms") to milliseconds.
 * Returns undefined when the text is not a duration, so callers report it as data.
 */
export function parseDurationMs(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  if (amount === undefined || unit === undefined) return undefined;
  return Math.round(Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]);
}

/** Formats milliseconds back into the largest whole unit, for messages ("15m", "90s"). */
export function formatDurationMs(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

/** A delay in a plan: a number of milliseconds, or a human duration string. Parses to milliseconds. */
export const durationMsSchema = z.union([z.number(), z.string()]).transform((value, ctx): number => {
  const ms = typeof value === 'number' ? value : parseDurationMs(value);
  if (ms === undefined || !Number.isFinite(ms) || ms < 0 || !Number.isInteger(ms)) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `expected a duration such as "30s", "5m", "2h", "1d" or a whole number of milliseconds ≥ 0, got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return ms;
});

/** A delay that must not be zero: deadlines, repeat intervals, auto-resolve times. */
export const positiveDurationMsSchema = durationMsSchema.refine((ms) => ms > 0, 'must be > 0');
