import { describeZodError, mentionSchema, TOPICS, type Clock } from '@tocsin/domain';
import {
  DLQ_HEADERS,
  RecordPublisher,
  toRawRecord,
  topicName,
  type KafkaSettings,
  type OutgoingRecord,
} from '@tocsin/kafka';
import { compileKeywordFilter, type KeywordFilter, type Source } from '@tocsin/sources';
import { z } from 'zod';

import type { SourceBatch } from './connectors/source-connector';
import type { SourceLeaseStore } from './source-lease.store';
import type { SourceStatus } from './source-status';

/** What Redis keeps per source: where to resume, and when it last said something. */
export const storedCheckpointSchema = z.object({ position: z.unknown(), lastItemAt: z.string().datetime().optional() });
export type StoredCheckpoint = z.infer<typeof storedCheckpointSchema>;

export const DLQ_SOURCE_HEADER = 'tocsin-collector-source';

/** This collector no longer holds the source's lease: another one reads it now. */
export class LeaseLostError extends Error {
  constructor(sourceId: string) {
    super(`lease on source ${sourceId} was lost: another collector reads it now`);
    this.name = 'LeaseLostError';
  }
}

/**
 * Where a source's batches go: mentions to mentions.raw with ingest's keys and guarantees,
 * malformed items to mentions.dlq with their raw bytes, then, only once Kafka acknowledged
 * both, the position to Redis. A crash in between re-reads the batch; the pipeline drops the
 * repeats by mention key.
 */
export class SourceOutput {
  private readonly filters = new Map<string, KeywordFilter>();

  constructor(
    private readonly kafka: KafkaSettings,
    private readonly publisher: RecordPublisher,
    private readonly leases: SourceLeaseStore,
    private readonly clock: Clock,
    private readonly owner: string,
  ) {}

  private filterOf(source: Source): KeywordFilter {
    let filter = this.filters.get(source.id);
    if (!filter) {
      filter = compileKeywordFilter(source.id, source.keywords);
      this.filters.set(source.id, filter);
    }
    return filter;
  }

  async deliver<P>(source: Source, status: SourceStatus, batch: SourceBatch<P>): Promise<void> {
    const nowMs = this.clock.now();
    const receivedAt = new Date(nowMs).toISOString();
    const filter = this.filterOf(source);
    const mentions: OutgoingRecord[] = [];
    const deadLetters: OutgoingRecord[] = [];
    let filtered = 0;
    let skipped = 0;
    let clamped = 0;
    const deadLetter = (raw: string, reason: string): void => {
      deadLetters.push({
        key: `source:${source.id}`,
        value: Buffer.from(raw, 'utf8'),
        headers: { [DLQ_HEADERS.reason]: reason, [DLQ_SOURCE_HEADER]: source.id },
      });
    };
    for (const { item, raw } of batch.items) {
      if (item.kind === 'skipped') skipped += 1;
      else if (item.kind === 'malformed') deadLetter(raw, `${source.kind} source ${source.id}: ${item.reason}`);
      else {
        const candidate = source.brandIds ? { ...item.mention, brandIds: source.brandIds } : item.mention;
        if (!filter(candidate)) {
          filtered += 1;
          continue;
        }
        const checked = mentionSchema.safeParse(candidate);
        if (!checked.success) {
          const issues = describeZodError(checked.error).map((issue) => `${issue.field}: ${issue.message}`);
          deadLetter(raw, `${source.kind} source ${source.id}: not a valid mention: ${issues.join('; ')}`);
          continue;
        }
        if (item.createdAt === 'clamped-future') clamped += 1;
        mentions.push(toRawRecord(checked.data, receivedAt));
      }
    }
    if (mentions.length > 0) await this.publisher.publish(topicName(this.kafka, TOPICS.mentionsRaw), mentions);
    if (deadLetters.length > 0) await this.publisher.publish(topicName(this.kafka, TOPICS.mentionsDlq), deadLetters);
    const lastItemAtMs = batch.items.length > 0 ? nowMs : status.lastItemAtMs;
    const checkpoint: StoredCheckpoint = {
      position: batch.position,
      ...(lastItemAtMs === undefined ? {} : { lastItemAt: new Date(lastItemAtMs).toISOString() }),
    };
    if (!(await this.leases.saveCheckpoint(source.id, this.owner, JSON.stringify(checkpoint)))) {
      throw new LeaseLostError(source.id);
    }
    if (batch.items.length > 0) status.sawItem(nowMs);
    status.count('mentions', mentions.length);
    status.count('malformed', deadLetters.length);
    status.count('filtered', filtered);
    status.count('skipped', skipped);
    status.count('clampedDates', clamped);
  }
}
