import type { RedisKeys } from '@tocsin/redis';
import type Redis from 'ioredis';

// Compare-and-act scripts: only the holder named in the lease may extend, end or write under it.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const SAVE_IF_HOLDER = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[2], ARGV[2]) return 1 else return 0 end`;

/**
 * One reader per source across every collector: a lease is a Redis key set with NX and a
 * time to live, renewed by its holder well before it lapses. A crashed holder's lease lapses
 * on its own, and another collector takes the source over from its checkpoint.
 */
export class SourceLeaseStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  private leaseKey(sourceId: string): string {
    return this.keys.key('collector', 'lease', sourceId);
  }

  private checkpointKey(sourceId: string): string {
    return this.keys.key('collector', 'checkpoint', sourceId);
  }

  private membersKey(): string {
    return this.keys.key('collector', 'members');
  }

  async acquire(sourceId: string, owner: string, leaseMs: number): Promise<boolean> {
    return (await this.redis.set(this.leaseKey(sourceId), owner, 'PX', leaseMs, 'NX')) === 'OK';
  }

  async renew(sourceId: string, owner: string, leaseMs: number): Promise<boolean> {
    return (await this.redis.eval(RENEW, 1, this.leaseKey(sourceId), owner, leaseMs)) === 1;
  }

  async release(sourceId: string, owner: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.leaseKey(sourceId), owner);
  }

  async holder(sourceId: string): Promise<string | null> {
    return this.redis.get(this.leaseKey(sourceId));
  }

  /**
   * Says this collector is alive until `nowMs + leaseMs` and returns how many are alive, so
   * each takes only its share of the sources.
   */
  async heartbeat(owner: string, nowMs: number, leaseMs: number): Promise<number> {
    const key = this.membersKey();
    const results = await this.redis
      .multi()
      .zadd(key, nowMs + leaseMs, owner)
      .zremrangebyscore(key, '-inf', nowMs)
      .zcard(key)
      .exec();
    const count = results?.[2]?.[1];
    return typeof count === 'number' ? count : 1;
  }

  async leave(owner: string): Promise<void> {
    await this.redis.zrem(this.membersKey(), owner);
  }

  async loadCheckpoint(sourceId: string): Promise<string | null> {
    return this.redis.get(this.checkpointKey(sourceId));
  }

  /**
   * Writes a source's checkpoint only while `owner` holds its lease, atomically: a collector
   * that lost the lease (paused, partitioned) can never move back a newer holder's progress.
   */
  async saveCheckpoint(sourceId: string, owner: string, checkpoint: string): Promise<boolean> {
    const saved = await this.redis.eval(
      SAVE_IF_HOLDER,
      2,
      this.leaseKey(sourceId),
      this.checkpointKey(sourceId),
      owner,
      checkpoint,
    );
    return saved === 1;
  }
}
