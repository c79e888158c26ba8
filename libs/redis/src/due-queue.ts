import type Redis from 'ioredis';

/**
 * Atomically takes the members due at `now` and pushes their score to `now + lease`: two
 * instances polling the same queue never take the same member, and a member whose taker died
 * before finishing comes due again when the lease runs out.
 */
const CLAIM_DUE_SCRIPT = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, member in ipairs(due) do
  redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), member)
end
return due
`;

/** A Redis sorted set of members keyed by the time they are due (ms since epoch). */
export class DueQueue {
  constructor(
    private readonly redis: Redis,
    readonly key: string,
  ) {}

  async schedule(member: string, dueAtMs: number): Promise<void> {
    await this.redis.zadd(this.key, dueAtMs, member);
  }

  async cancel(member: string): Promise<void> {
    await this.redis.zrem(this.key, member);
  }

  async claimDue(nowMs: number, leaseMs: number, limit: number): Promise<string[]> {
    const claimed = await this.redis.eval(CLAIM_DUE_SCRIPT, 1, this.key, nowMs, leaseMs, limit);
    return Array.isArray(claimed) ? claimed.map(String) : [];
  }
}
