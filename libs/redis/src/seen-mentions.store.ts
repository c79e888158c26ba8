import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import type { RedisKeys } from './redis.factory';

/** How long a mention key is remembered for deduplication. */
export const SEEN_TTL_SECONDS = 7 * 24 * 3600;

/** Mention keys already handled by one consumer group, to drop sources' duplicates. */
export class SeenMentionsStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly scope: string,
  ) {}

  private keyOf(mentionKey: string): string {
    return this.keys.key('seen', this.scope, mentionKey);
  }

  /** The subset of `mentionKeys` not seen before, in order, each once. */
  async filterUnseen(mentionKeys: readonly string[]): Promise<string[]> {
    const unique = [...new Set(mentionKeys)];
    if (unique.length === 0) return [];
    const flags = await this.redis.mget(unique.map((key) => this.keyOf(key)));
    return unique.filter((_, index) => flags[index] === null);
  }

  async markSeen(mentionKeys: readonly string[]): Promise<void> {
    if (mentionKeys.length === 0) return;
    const multi = this.redis.multi();
    this.markSeenIn(multi, mentionKeys);
    await multi.exec();
  }

  /** Queues the marks in a caller's transaction, to be saved together with other state. */
  markSeenIn(multi: ChainableCommander, mentionKeys: readonly string[]): void {
    for (const key of mentionKeys) multi.set(this.keyOf(key), '1', 'EX', SEEN_TTL_SECONDS);
  }
}
