import type Redis from 'ioredis';
import type { RedisKeys } from './redis.factory';

/** How long a delivered key is remembered: far longer than any redelivery takes. */
const REMEMBER_MS = 7 * 24 * 3_600_000;

/**
 * Idempotency keys already delivered, shared by every gateway: a message sent twice (a relay
 * that died after publishing, a consumer replaying after a crash) reaches sockets once.
 */
export class DeliveredKeysStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly namespace: string,
  ) {}

  /**
   * Marks each key delivered; answers, per key, whether this call was the first to do so. A
   * key is marked before it is sent, so a crash in between loses that send rather than doubling it.
   */
  async markFirst(keys: readonly string[]): Promise<boolean[]> {
    if (keys.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.set(this.keys.key(this.namespace, key), '1', 'PX', REMEMBER_MS, 'NX');
    const answers = (await pipeline.exec()) ?? [];
    return answers.map(([error, answer]) => {
      if (error) throw new Error(`marking delivered keys in Redis failed: ${error.message}`, { cause: error });
      return answer === 'OK';
    });
  }
}
