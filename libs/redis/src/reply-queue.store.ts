import { entryRefs, replyEntrySchema, type ReplyEntry } from '@tocsin/reply-queue';
import type Redis from 'ioredis';
import { DueQueue } from './due-queue';
import type { RedisKeys } from './redis.factory';

/** Entries a brand's queue keeps at most, waiting and closed each, whatever the horizon. */
export const MAX_REPLY_ENTRIES_PER_BRAND = 5_000;

/**
 * Stores the entry if it is new, with its brand index, its reference sets (for replies to find
 * it) and its overdue timer; trims the brand's index to the horizon and the cap. One script, so
 * a crash leaves all of it or none, and a replayed mention is a no-op.
 * KEYS: entry, brand's waiting index, overdue queue, ref sets…
 * ARGV: entry JSON, ttl ms, mention key, posted at ms, overdue due ms or "", oldest kept ms, cap.
 */
const ADD_SCRIPT = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[6])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[7]) + 1))
if ARGV[5] ~= '' then redis.call('ZADD', KEYS[3], ARGV[5], ARGV[3]) end
for i = 4, #KEYS do
  redis.call('SADD', KEYS[i], ARGV[3])
  if redis.call('PTTL', KEYS[i]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
end
return 1
`;

/**
 * Replaces the entry only if it still holds what the caller read (compare-and-set): a brand
 * reply on the alerter and a CM's click on a gateway cannot overwrite each other. A closed
 * entry moves from the waiting index to the closed one; the overdue timer goes either way.
 * KEYS: entry, waiting index, closed index, overdue queue.
 * ARGV: expected JSON, new JSON, mention key, posted at ms, "close" or "update", oldest kept ms, cap.
 */
const REPLACE_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
redis.call('ZREM', KEYS[4], ARGV[3])
if ARGV[5] == 'close' then
  redis.call('ZREM', KEYS[2], ARGV[3])
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[6])
  redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(tonumber(ARGV[7]) + 1))
end
return 1
`;

/** An entry as read, with the exact text it was stored as (for compare-and-set). */
export interface StoredReplyEntry {
  entry: ReplyEntry;
  raw: string;
}

/**
 * Brands' reply queues in Redis, bounded: every key expires once the horizon has passed since
 * its mention was posted (entries, reference sets), and each brand's two indexes (waiting,
 * closed) are trimmed to the horizon and to MAX_REPLY_ENTRIES_PER_BRAND on every write.
 */
export class ReplyQueueStore {
  /** Waiting entries by the time their deadline passes, for the overdue check. */
  readonly overdue: DueQueue;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.overdue = new DueQueue(redis, keys.key('reply-queue', 'overdue-due'));
  }

  private entryKey(mentionKey: string): string {
    return this.keys.key('reply-queue', 'entry', mentionKey);
  }

  private waitingKey(brandId: string): string {
    return this.keys.key('reply-queue', 'waiting', brandId);
  }

  private closedKey(brandId: string): string {
    return this.keys.key('reply-queue', 'closed', brandId);
  }

  private refKey(ref: string): string {
    return this.keys.key('reply-queue', 'ref', ref);
  }

  /** Entries are per mention and brand: a mention about two brands waits in both queues. */
  private entryId(entry: Pick<ReplyEntry, 'brandId' | 'mentionKey'>): string {
    return `${entry.brandId}|${entry.mentionKey}`;
  }

  /**
   * Queues the entry unless it is already known (waiting or closed); answers whether it was new.
   * `overdueDueAtMs` schedules its overdue check (omitted: none).
   */
  async add(entry: ReplyEntry, horizonMs: number, nowMs: number, overdueDueAtMs?: number): Promise<boolean> {
    const id = this.entryId(entry);
    const ttlMs = entry.postedAtMs + horizonMs - nowMs;
    if (ttlMs <= 0) return false;
    const refs = entryRefs(entry).map((ref) => this.refKey(`${entry.brandId}|${ref}`));
    const added = await this.redis.eval(
      ADD_SCRIPT,
      3 + refs.length,
      this.entryKey(id),
      this.waitingKey(entry.brandId),
      this.overdue.key,
      ...refs,
      JSON.stringify(entry),
      ttlMs,
      id,
      entry.postedAtMs,
      overdueDueAtMs ?? '',
      nowMs - horizonMs,
      MAX_REPLY_ENTRIES_PER_BRAND,
    );
    return added === 1;
  }

  async get(brandId: string, mentionKey: string): Promise<StoredReplyEntry | undefined> {
    const raw = await this.redis.get(this.entryKey(this.entryId({ brandId, mentionKey })));
    return raw === null ? undefined : this.parse(raw);
  }

  /** Waiting entries of the brand a post's references point at (its parent, its thread). */
  async findWaiting(brandId: string, refs: readonly string[]): Promise<StoredReplyEntry[]> {
    if (refs.length === 0) return [];
    const ids = await this.redis.sunion(...refs.map((ref) => this.refKey(`${brandId}|${ref}`)));
    return (await this.read(ids)).filter((stored) => stored.entry.state === 'waiting');
  }

  /**
   * Writes `next` over `current` if nobody changed it meanwhile; answers whether it did. A
   * closed `next` leaves the waiting index; either way its overdue timer is dropped.
   */
  async replace(current: StoredReplyEntry, next: ReplyEntry, horizonMs: number, nowMs: number): Promise<boolean> {
    const id = this.entryId(next);
    const replaced = await this.redis.eval(
      REPLACE_SCRIPT,
      4,
      this.entryKey(id),
      this.waitingKey(next.brandId),
      this.closedKey(next.brandId),
      this.overdue.key,
      current.raw,
      JSON.stringify(next),
      id,
      next.postedAtMs,
      next.state === 'waiting' ? 'update' : 'close',
      nowMs - horizonMs,
      MAX_REPLY_ENTRIES_PER_BRAND,
    );
    return replaced === 1;
  }

  /** The brand's waiting entries and its closed ones within the horizon. */
  async list(brandId: string): Promise<{ waiting: ReplyEntry[]; closed: ReplyEntry[] }> {
    const [waitingIds, closedIds] = await Promise.all([
      this.redis.zrange(this.waitingKey(brandId), '0', '-1'),
      this.redis.zrange(this.closedKey(brandId), '0', '-1'),
    ]);
    const [waiting, closed] = await Promise.all([this.read(waitingIds), this.read(closedIds)]);
    return {
      waiting: waiting.map((stored) => stored.entry).filter((entry) => entry.state === 'waiting'),
      closed: closed.map((stored) => stored.entry).filter((entry) => entry.state !== 'waiting'),
    };
  }

  /** Takes the entries whose deadline is due, for `leaseMs`; ids whose entry expired are dropped. */
  async claimOverdue(nowMs: number, leaseMs: number, limit: number): Promise<StoredReplyEntry[]> {
    const ids = await this.overdue.claimDue(nowMs, leaseMs, limit);
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.entryKey(id)));
    const gone = ids.filter((_id, index) => raws[index] === null);
    if (gone.length > 0) await this.redis.zrem(this.overdue.key, ...gone);
    return raws.flatMap((raw) => (raw === null ? [] : [this.parse(raw)]));
  }

  /** Drops an entry's overdue timer (it was closed meanwhile, or has nothing to raise). */
  async cancelOverdue(entry: Pick<ReplyEntry, 'brandId' | 'mentionKey'>): Promise<void> {
    await this.overdue.cancel(this.entryId(entry));
  }

  private async read(ids: readonly string[]): Promise<StoredReplyEntry[]> {
    if (ids.length === 0) return [];
    const stored: StoredReplyEntry[] = [];
    // Read in pages so one large queue does not make one huge reply.
    for (let start = 0; start < ids.length; start += 500) {
      const raws = await this.redis.mget(ids.slice(start, start + 500).map((id) => this.entryKey(id)));
      for (const raw of raws) if (raw !== null) stored.push(this.parse(raw));
    }
    return stored;
  }

  private parse(raw: string): StoredReplyEntry {
    return { entry: replyEntrySchema.parse(JSON.parse(raw)), raw };
  }
}
