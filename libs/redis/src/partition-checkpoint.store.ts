import type Redis from 'ioredis';
import type { RedisKeys } from './redis.factory';
import { SeenMentionsStore } from './seen-mentions.store';

export interface PartitionCheckpoint<S> {
  /** Last source offset whose effects are in `state`; records at or below it are replays. */
  offset: string;
  state: S;
}

/**
 * Stream state of one consumer group × partition (window counters, detector baselines),
 * saved atomically with the offset it covers and the mention keys it counted. A replay
 * after a crash skips what the checkpoint already holds, so nothing is counted twice, and
 * a partition moving to another instance resumes from here instead of relearning.
 */
export class PartitionCheckpointStore<S> {
  private readonly seen: SeenMentionsStore;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly group: string,
  ) {
    this.seen = new SeenMentionsStore(redis, keys, group);
  }

  private checkpointKey(topic: string, partition: number): string {
    return this.keys.key('checkpoint', this.group, topic, partition);
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

  async filterUnseen(mentionKeys: readonly string[]): Promise<Set<string>> {
    return new Set(await this.seen.filterUnseen(mentionKeys));
  }

  async save(
    topic: string,
    partition: number,
    checkpoint: PartitionCheckpoint<S>,
    counted: readonly string[],
  ): Promise<void> {
    const multi = this.redis.multi();
    multi.set(this.checkpointKey(topic, partition), JSON.stringify(checkpoint));
    this.seen.markSeenIn(multi, counted);
    const results = await multi.exec();
    const failed = results?.find(([error]) => error !== null);
    if (!results || failed) throw new Error(`checkpoint of ${topic}[${partition}] not saved`, { cause: failed?.[0] });
  }
}
