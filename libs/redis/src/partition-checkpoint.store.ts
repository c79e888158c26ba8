import type Redis from 'ioredis';
import type { RedisKeys } from './redis.factory';

export interface PartitionCheckpoint<S> {
  /** Last source offset whose effects are in `state`; records at or below it are replays. */
  offset: string;
  state: S;
}

/** One brand's event-time interval, the unit of the counted-mention sets. */
export interface BrandInterval {
  brandId: string;
  intervalStartMs: number;
}

/** A mention counted in one brand's interval. */
export interface CountedMention extends BrandInterval {
  mentionKey: string;
}

/**
 * Counted-mention sets of an interval whose closing was never saved (a brand left the plan, a
 * partition was abandoned) go away after this; a day is far beyond any allowed lateness.
 */
const ORPHAN_SET_TTL_MS = 24 * 3600 * 1000;

/**
 * Stream state of one consumer group × partition (window counters, detector baselines),
 * saved atomically with the offset it covers and the mentions it counted. A replay after a
 * crash skips what the checkpoint already holds, so nothing is counted twice, and a partition
 * moving to another instance resumes from here instead of relearning. The counted mentions are
 * kept in one set per open interval of a brand and deleted when the interval closes: a second
 * copy of a mention (a source's duplicate, or the enrichment stage republishing after a crash)
 * is counted once while its interval is open and is late afterwards, so the sets hold no more
 * than the allowed lateness worth of mentions.
 */
export class PartitionCheckpointStore<S> {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly group: string,
  ) {}

  private checkpointKey(topic: string, partition: number): string {
    return this.keys.key('checkpoint', this.group, topic, partition);
  }

  private countedKey(topic: string, partition: number, interval: BrandInterval): string {
    return this.keys.key('counted', this.group, topic, partition, interval.brandId, interval.intervalStartMs);
  }

  async load(
    topic: string,
    partition: number,
    parse: (raw: unknown) => S,
  ): Promise<PartitionCheckpoint<S> | undefined> {
    const raw = await this.redis.get(this.checkpointKey(topic, partition));
    if (raw === null) return undefined;
    const stored = JSON.parse(raw) as { offset: string; state: unknown };
    return { offset: stored.offset, state: parse(stored.state) };
  }

  /** Which of `candidates` are not counted yet, as indexes into `candidates`. */
  async filterUncounted(topic: string, partition: number, candidates: readonly CountedMention[]): Promise<Set<number>> {
    const byInterval = new Map<string, number[]>();
    for (const [index, candidate] of candidates.entries()) {
      const key = this.countedKey(topic, partition, candidate);
      const indexes = byInterval.get(key) ?? [];
      indexes.push(index);
      byInterval.set(key, indexes);
    }
    const uncounted = new Set<number>();
    const pipeline = this.redis.pipeline();
    const groups = [...byInterval.entries()];
    for (const [key, indexes] of groups) {
      pipeline.smismember(key, ...indexes.map((index) => candidates[index]?.mentionKey ?? ''));
    }
    const results = (await pipeline.exec()) ?? [];
    for (const [position, [key, indexes]] of groups.entries()) {
      const [error, flags] = results[position] ?? [new Error('no answer')];
      if (error) throw new Error(`counted mentions of ${key} not read`, { cause: error });
      indexes.forEach((index, at) => {
        if ((flags as number[])[at] === 0) uncounted.add(index);
      });
    }
    return uncounted;
  }

  /**
   * Saves the checkpoint, adds `counted` to their intervals' sets and deletes the sets of the
   * intervals in `closed`, in one transaction: either all of it holds after a crash or none.
   */
  async save(
    topic: string,
    partition: number,
    checkpoint: PartitionCheckpoint<S>,
    counted: readonly CountedMention[],
    closed: readonly BrandInterval[],
  ): Promise<void> {
    const multi = this.redis.multi();
    multi.set(this.checkpointKey(topic, partition), JSON.stringify(checkpoint));
    const byInterval = new Map<string, string[]>();
    for (const mention of counted) {
      const key = this.countedKey(topic, partition, mention);
      const members = byInterval.get(key) ?? [];
      members.push(mention.mentionKey);
      byInterval.set(key, members);
    }
    for (const [key, members] of byInterval) {
      multi.sadd(key, ...members);
      multi.pexpire(key, ORPHAN_SET_TTL_MS);
    }
    const closing = closed.map((interval) => this.countedKey(topic, partition, interval));
    if (closing.length > 0) multi.del(...closing);
    const results = await multi.exec();
    const failed = results?.find(([error]) => error !== null);
    if (!results || failed) throw new Error(`checkpoint of ${topic}[${partition}] not saved`, { cause: failed?.[0] });
  }
}
