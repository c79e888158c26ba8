import type Redis from 'ioredis';
import type { RedisKeys } from './redis.factory';

/** The latest mentions per brand, newest first, for a wall that has just connected. */
export class RecentMentionsStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly capacity = 100,
  ) {}

  private keyOf(brandId: string): string {
    return this.keys.key('recent', brandId);
  }

  async push(brandId: string, serializedMentions: readonly string[]): Promise<void> {
    if (serializedMentions.length === 0) return;
    await this.redis
      .multi()
      .lpush(this.keyOf(brandId), ...serializedMentions)
      .ltrim(this.keyOf(brandId), 0, this.capacity - 1)
      .exec();
  }

  async list(brandId: string, limit: number): Promise<string[]> {
    return this.redis.lrange(this.keyOf(brandId), 0, Math.min(limit, this.capacity) - 1);
  }
}
