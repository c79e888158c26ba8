import type Redis from 'ioredis';
import type { RedisKeys } from './redis.factory';

/** How long a brand's volume is kept by default: a crisis report covers an incident of up to two weeks. */
export const DEFAULT_VOLUME_HISTORY_MS = 14 * 86_400_000;
const HOUR_MS = 3_600_000;

/** One count of one closed interval, as a spike signal carries it. */
export interface VolumeReading {
  brandId: string;
  intervalStartMs: number;
  metric: 'volume' | 'negativeVolume';
  observed: number;
}

/** A brand's mentions and negative mentions in one interval. */
export interface VolumeInterval {
  intervalStartMs: number;
  mentions: number;
  negative: number;
}

/**
 * Each brand's mentions and negative mentions per closed interval, kept `horizonMs` (14 days by
 * default), so a crisis report charts an incident of any length from its lead-in to its end,
 * which the wall's last 240 verdicts do not. One hash per brand and hour of interval start,
 * field `<offset ms><v|n>`: with the pipeline's 1-minute intervals, 120 small fields, which
 * Redis keeps in its compact listpack encoding; each hash expires `horizonMs` after its hour
 * ends. Writes set (not add) a count, so a redelivered signal changes nothing.
 */
export class VolumeHistoryStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    readonly horizonMs = DEFAULT_VOLUME_HISTORY_MS,
  ) {}

  private keyOf(brandId: string, hourStartMs: number): string {
    return this.keys.key('volume', brandId, hourStartMs);
  }

  /** Stores the readings; those already past the horizon at `nowMs` (an old backfill) are left out. */
  async record(readings: readonly VolumeReading[], nowMs: number): Promise<void> {
    const kept = readings.filter((reading) => reading.intervalStartMs >= nowMs - this.horizonMs);
    if (kept.length === 0) return;
    const multi = this.redis.multi();
    for (const reading of kept) {
      const hourStartMs = Math.floor(reading.intervalStartMs / HOUR_MS) * HOUR_MS;
      const key = this.keyOf(reading.brandId, hourStartMs);
      const field = `${reading.intervalStartMs - hourStartMs}${reading.metric === 'volume' ? 'v' : 'n'}`;
      multi.hset(key, field, String(reading.observed)).pexpireat(key, hourStartMs + HOUR_MS + this.horizonMs);
    }
    await multi.exec();
  }

  /**
   * The brand's intervals starting within [fromMs, toMs], oldest first; spans older than the
   * horizon at `nowMs` are not read (nothing is kept there).
   */
  async range(brandId: string, fromMs: number, toMs: number, nowMs: number): Promise<VolumeInterval[]> {
    const firstHourMs = Math.floor(Math.max(fromMs, nowMs - this.horizonMs - HOUR_MS) / HOUR_MS) * HOUR_MS;
    const hours: number[] = [];
    for (let hourMs = firstHourMs; hourMs <= Math.min(toMs, nowMs); hourMs += HOUR_MS) hours.push(hourMs);
    if (hours.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const hourMs of hours) pipeline.hgetall(this.keyOf(brandId, hourMs));
    const results = (await pipeline.exec()) ?? [];
    const byStart = new Map<number, VolumeInterval>();
    results.forEach(([error, fields], index) => {
      if (error) throw new Error(`volume history of ${brandId}: ${error.message}`, { cause: error });
      const hourMs = hours[index] ?? 0;
      for (const [field, value] of Object.entries(fields as Record<string, string>)) {
        const startMs = hourMs + Number.parseInt(field, 10);
        if (startMs < fromMs || startMs > toMs) continue;
        const interval = byStart.get(startMs) ?? { intervalStartMs: startMs, mentions: 0, negative: 0 };
        if (field.endsWith('v')) interval.mentions = Number(value);
        else interval.negative = Number(value);
        byStart.set(startMs, interval);
      }
    });
    return [...byStart.values()].sort((a, b) => a.intervalStartMs - b.intervalStartMs);
  }
}
