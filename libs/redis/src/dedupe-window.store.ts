import type Redis from 'ioredis';
import type { RedisKeys } from './redis.factory';

/**
 * Mention keys a consumer group handled within the last `windowMs` (processing time), to drop
 * sources' duplicates. Keys go into one Redis set per window-long bucket; a key is looked for
 * in the current and the previous bucket, and a bucket expires two windows after it opened, so
 * a group holds at most two keys whatever the volume, and no mention is remembered for longer
 * than two windows. A copy arriving within `windowMs` of the first is always dropped; a later
 * one gets through here, and the signals consumer still counts it at most once while its
 * interval is open (see PartitionCheckpointStore); once closed, the interval ignores it anyway.
 */
export class DedupeWindowStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly scope: string,
    private readonly windowMs: number,
  ) {
    if (!Number.isInteger(windowMs) || windowMs <= 0) {
      throw new Error(`dedupe window of ${scope} must be a positive integer of ms, got ${windowMs}`);
    }
  }

  private bucketKey(bucket: number): string {
    return this.keys.key('dedupe', this.scope, bucket);
  }

  private bucketOf(nowMs: number): number {
    return Math.floor(nowMs / this.windowMs);
  }

  /** The subset of `mentionKeys` not seen within the window, in order, each once. */
  async filterUnseen(mentionKeys: readonly string[], nowMs: number): Promise<string[]> {
    const unique = [...new Set(mentionKeys)];
    if (unique.length === 0) return [];
    const bucket = this.bucketOf(nowMs);
    const [current, previous] = await Promise.all([
      this.redis.smismember(this.bucketKey(bucket), ...unique),
      this.redis.smismember(this.bucketKey(bucket - 1), ...unique),
    ]);
    return unique.filter((_, index) => current[index] === 0 && previous[index] === 0);
  }

  async markSeen(mentionKeys: readonly string[], nowMs: number): Promise<void> {
    if (mentionKeys.length === 0) return;
    const bucket = this.bucketOf(nowMs);
    const key = this.bucketKey(bucket);
    const results = await this.redis
      .multi()
      .sadd(key, ...mentionKeys)
      // Two windows after the bucket opened: it is still read as "previous" during the next one.
      .pexpireat(key, (bucket + 2) * this.windowMs)
      .exec();
    const failed = results?.find(([error]) => error !== null);
    if (!results || failed) throw new Error(`dedupe marks of ${this.scope} not saved`, { cause: failed?.[0] });
  }
}
