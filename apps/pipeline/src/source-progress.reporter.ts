import { TOPICS, type Clock } from '@tocsin/domain';
import type { RecordPublisher } from '@tocsin/kafka';
import type { PartitionCheckpointStore } from '@tocsin/redis';
import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from '@nestjs/common';
import { toTallyRecord, readEnrichmentCheckpoint, type EnrichmentCheckpoint } from './enrichment.consumer';

export interface SourceProgressDependencies {
  kafka: Kafka;
  publisher: RecordPublisher;
  topicPrefix: string;
  /** The enrichment stage's consumer group, whose committed offsets say which partitions are caught up. */
  enrichmentGroupId: string;
  checkpoints: PartitionCheckpointStore<EnrichmentCheckpoint>;
  brandIds: () => readonly string[];
  clock: Clock;
  everyMs: number;
  /**
   * How long reports go on after the topic last changed: long enough for a report to come after
   * the last delivery by the clock margin the windows allow (see sourcesEventTimeMs).
   */
  settleMs: number;
  logger: Pick<Logger, 'warn'>;
}

/**
 * Tells every brand's windows, every `everyMs`, which partitions of mentions.raw have nothing
 * pending (the enrichment group committed their end), for `settleMs` after the topic last
 * changed or after the newest event time delivered, whichever is later (a topic idle for longer
 * costs nothing). A partition with no traffic publishes no tally of its own, and the windows
 * would otherwise wait for it (see sourcesEventTimeMs). The offsets are read after the clock, so
 * a partition said caught up at that time was: whatever was appended before is committed, and
 * its tallies were committed with it, on the same partitions of mentions.tallies (keyed by
 * brand), so the windows merge them before this report.
 * Any instance may report any partition: the report states a fact of the group, not of this
 * instance.
 */
export class SourceProgressReporter {
  private admin: Admin | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The report under way, if any: stopping waits for it, so it never publishes after the producer is gone. */
  private reporting: Promise<void> | undefined;
  private partitions = 1;
  /** Ends and caught-up partitions last seen, and since when: a topic long unchanged needs no new report. */
  private lastSeen = '';
  private lastChangedAtMs = 0;
  /**
   * Newest event time a caught-up partition reported: a brand's windows never pass the clock, so
   * intervals up to a mention dated ahead of it (within the allowed skew) close only when a
   * report comes after that time; reports go on until then.
   */
  private newestEventTimeMs = 0;

  constructor(private readonly deps: SourceProgressDependencies) {}

  /** Partitions of mentions.raw as last read. */
  sourcePartitions(): number {
    return this.partitions;
  }

  /** Reads the partition count, then reports every `everyMs`. */
  async start(): Promise<void> {
    this.admin = this.deps.kafka.admin();
    await this.admin.connect();
    this.partitions = (await this.admin.fetchTopicOffsets(this.rawTopic())).length;
    this.schedule();
  }

  private rawTopic(): string {
    return `${this.deps.topicPrefix}${TOPICS.mentionsRaw}`;
  }

  /** No new report; the one under way finishes first (its publish is acknowledged or fails). */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const admin = this.admin;
    this.admin = undefined;
    await this.reporting;
    await admin?.disconnect();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.reporting = this.report()
        .catch((error: unknown) =>
          this.deps.logger.warn(
            `source progress not reported: ${error instanceof Error ? error.message : String(error)}`,
          ),
        )
        .finally(() => {
          this.reporting = undefined;
          if (this.admin) this.schedule();
        });
    }, this.deps.everyMs);
  }

  private async report(): Promise<void> {
    const { admin, deps } = this;
    if (!admin) return;
    const topic = this.rawTopic();
    const reportedAtMs = deps.clock.now();
    const [ends, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId: deps.enrichmentGroupId, topics: [topic] }),
    ]);
    this.partitions = ends.length;
    const done = new Map((committed[0]?.partitions ?? []).map((entry) => [entry.partition, BigInt(entry.offset)]));
    const caughtUp = ends.filter((end) => {
      const offset = done.get(end.partition) ?? -1n;
      return offset >= 0n ? offset >= BigInt(end.high) : BigInt(end.high) === BigInt(end.low);
    });
    const brandIds = deps.brandIds();
    const seen = [ends.map((end) => end.high), caughtUp.map((end) => end.partition), brandIds].join('|');
    if (seen !== this.lastSeen) {
      this.lastSeen = seen;
      this.lastChangedAtMs = reportedAtMs;
    }
    const unchanged = reportedAtMs - Math.max(this.lastChangedAtMs, this.newestEventTimeMs) > deps.settleMs;
    if (caughtUp.length === 0 || brandIds.length === 0 || unchanged) return;
    const saved = await Promise.all(
      caughtUp.map((end) => deps.checkpoints.load(topic, end.partition, readEnrichmentCheckpoint)),
    );
    for (const checkpoint of saved) {
      this.newestEventTimeMs = Math.max(this.newestEventTimeMs, checkpoint?.state.eventTimeMs ?? 0);
    }
    const records = caughtUp.flatMap((end, index) =>
      brandIds.map((brandId) =>
        toTallyRecord({
          brandId,
          sourcePartition: end.partition,
          sourcePartitions: ends.length,
          throughOffset: saved[index]?.offset ?? '-1',
          eventTimeMs: saved[index]?.state.eventTimeMs ?? 0,
          deliveredAtMs: saved[index]?.state.deliveredAtMs ?? 0,
          caughtUpAtMs: reportedAtMs,
          intervals: [],
        }),
      ),
    );
    await deps.publisher.publish(`${deps.topicPrefix}${TOPICS.mentionsTallies}`, records);
  }
}
