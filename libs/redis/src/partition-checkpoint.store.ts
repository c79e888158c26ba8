import type Redis from 'ioredis';
import type { RedisKeys } from './redis.factory';

export interface PartitionCheckpoint<S> {
  /** Last source offset whose effects are in `state`; records at or below it are replays. */
  offset: string;
  state: S;
}

/**
 * Stream state of one consumer group × partition (window tallies, detector baselines), saved
 * in one write with the offset it covers. A replay after a crash skips what the checkpoint
 * already holds, so nothing is counted twice, and a partition moving to another instance
 * resumes from here instead of relearning.
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

  /** Saves the checkpoint: one SET, so after a crash either it holds or the previous one does. */
  async save(topic: string, partition: number, checkpoint: PartitionCheckpoint<S>): Promise<void> {
    await this.redis.set(this.checkpointKey(topic, partition), JSON.stringify(checkpoint));
  }
}
