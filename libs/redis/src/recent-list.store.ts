import type Redis from 'ioredis';
import type { RedisKeys } from './redis.factory';

/** The latest items per brand, newest first, capped, for a page that has just connected. */
export class RecentListStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly namespace: string,
    private readonly capacity: number,
  ) {}

  private keyOf(brandId: string): string {
    return this.keys.key(this.namespace, brandId);
  }

  async push(brandId: string, serializedItems: readonly string[]): Promise<void> {
    if (serializedItems.length === 0) return;
    await this.redis
      .multi()
      .lpush(this.keyOf(brandId), ...serializedItems)
      .ltrim(this.keyOf(brandId), 0, this.capacity - 1)
      .exec();
  }

  async list(brandId: string, limit: number): Promise<string[]> {
    return this.redis.lrange(this.keyOf(brandId), 0, Math.min(limit, this.capacity) - 1);
  }
}

/** The latest mentions per brand, for a wall's first screen. */
export class RecentMentionsStore extends RecentListStore {
  constructor(redis: Redis, keys: RedisKeys) {
    super(redis, keys, 'recent', 100);
  }
}

/** The latest volume verdicts per brand (two hours of 1-minute intervals), for a wall's trend. */
export class RecentSignalsStore extends RecentListStore {
  constructor(redis: Redis, keys: RedisKeys) {
    super(redis, keys, 'recent-signals', 240);
  }
}
