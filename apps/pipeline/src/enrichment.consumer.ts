import {
  futureEventTimeReason,
  mentionKey,
  mentionSchema,
  TOPICS,
  type BrandMatcher,
  type Clock,
  type Mention,
} from '@tocsin/domain';
import {
  consumeTopic,
  type BatchConsumerRunner,
  type ConsumerWiring,
  type PartitionBatch,
  type Rejection,
} from '@tocsin/kafka';
import type { DedupeWindowStore } from '@tocsin/redis';
import { Logger } from '@nestjs/common';
import { enrichMention, toEnrichedRecords } from './mention-enrichment';

export interface EnrichmentDependencies {
  /** Partitions handled at once; they are independent (own state, own offsets). */
  partitionsConcurrently: number;
  seen: DedupeWindowStore;
  brandMatchers: () => readonly BrandMatcher[];
  clock: Clock;
  groupId: string;
  /** How far ahead of the clock a createdAt may be; further goes to the DLQ (see futureEventTimeReason). */
  maxClockSkewMs: number;
}

/**
 * mentions.raw → mentions.enriched, exactly once: a batch's enriched records, dead letters and
 * offset are committed in one Kafka transaction, so a producer retried after a node's loss
 * or a crash mid-batch stores nothing twice. A mention already seen (same platform and id)
 * within the dedupe window is dropped; it is marked seen once its batch is committed, so a
 * crash in between republishes rather than loses it. Ingest refuses future-dated mentions and invented brands, but
 * anything that can write to the topic is not ingest: such mentions are dead-lettered or, for
 * brand ids the plan does not have, enriched without them.
 */
export function createEnrichmentConsumer(
  wiring: ConsumerWiring,
  deps: EnrichmentDependencies,
): BatchConsumerRunner<Mention> {
  const outputTopic = `${wiring.topicPrefix}${TOPICS.mentionsEnriched}`;
  const logger = new Logger('enrichment');
  const handle = async (batch: PartitionBatch<Mention>): Promise<Rejection[]> => {
    const nowMs = deps.clock.now();
    const unseen = new Set(
      await deps.seen.filterUnseen(
        batch.items.map((item) => mentionKey(item.value)),
        nowMs,
      ),
    );
    const matchers = deps.brandMatchers();
    const enrichedAt = new Date(nowMs).toISOString();
    const records = [];
    const published: string[] = [];
    const rejections: Rejection[] = [];
    let unknownBrandIds = 0;
    for (const { record, value } of batch.items) {
      const key = mentionKey(value);
      if (!unseen.delete(key)) continue;
      const ahead = futureEventTimeReason(value.createdAt, nowMs, deps.maxClockSkewMs);
      if (ahead) {
        rejections.push({ record, reason: ahead });
        continue;
      }
      const enriched = enrichMention(value, matchers, enrichedAt);
      unknownBrandIds += enriched.unknownBrandIds.length;
      records.push(...toEnrichedRecords(enriched.mention));
      published.push(key);
    }
    if (unknownBrandIds > 0) {
      logger.warn(
        `${unknownBrandIds} brand id(s) not in the crisis plan dropped from mentions in ${batch.topic}[${batch.partition}]`,
      );
    }
    await batch.output.publish(outputTopic, records);
    batch.afterCommit(() => deps.seen.markSeen(published, nowMs));
    return rejections;
  };
  return consumeTopic(wiring, {
    groupId: `${deps.groupId}-enrichment`,
    topic: TOPICS.mentionsRaw,
    schema: mentionSchema,
    logger,
    partitionsConsumedConcurrently: deps.partitionsConcurrently,
    transactional: true,
    handle,
  });
}
