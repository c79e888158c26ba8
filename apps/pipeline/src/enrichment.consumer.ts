import {
  brandRecordKey,
  futureEventTimeReason,
  MENTION_FORMAT,
  mentionKey,
  mentionSchema,
  TOPICS,
  WINDOW_TALLY_FORMAT,
  RECORD_FORMAT_HEADER,
  type BrandMatcher,
  type Clock,
  type Mention,
  type WindowTally,
} from '@tocsin/domain';
import { tallyObservations, type MentionObservation } from '@tocsin/detection';
import {
  consumeTopic,
  type BatchConsumerRunner,
  type ConsumerWiring,
  type OutgoingRecord,
  type PartitionBatch,
  type Rejection,
} from '@tocsin/kafka';
import type { DedupeWindowStore, PartitionCheckpointStore } from '@tocsin/redis';
import { Logger } from '@nestjs/common';
import { enrichMention, toEnrichedRecords } from './mention-enrichment';

/**
 * What one partition of mentions.raw remembers beside its offset: its progress, the newest event
 * time it delivered and when, which its next tallies carry on from (see WindowTally.eventTimeMs).
 */
export interface EnrichmentCheckpoint {
  eventTimeMs: number;
  deliveredAtMs: number;
}

/** State written by this consumer; a shape that is not ours means a corrupted key, and we start over. */
export function readEnrichmentCheckpoint(raw: unknown): EnrichmentCheckpoint {
  const candidate = raw as Partial<EnrichmentCheckpoint> | null;
  if (!candidate || typeof candidate.eventTimeMs !== 'number' || typeof candidate.deliveredAtMs !== 'number') {
    return { eventTimeMs: 0, deliveredAtMs: 0 };
  }
  return { eventTimeMs: candidate.eventTimeMs, deliveredAtMs: candidate.deliveredAtMs };
}

export function toTallyRecord(tally: WindowTally): OutgoingRecord {
  return {
    key: brandRecordKey(tally.brandId),
    value: JSON.stringify(tally),
    headers: { [RECORD_FORMAT_HEADER]: WINDOW_TALLY_FORMAT },
  };
}

export interface EnrichmentDependencies {
  /** Partitions handled at once; they are independent (own state, own offsets). */
  partitionsConcurrently: number;
  seen: DedupeWindowStore;
  checkpoints: PartitionCheckpointStore<EnrichmentCheckpoint>;
  brandMatchers: () => readonly BrandMatcher[];
  /** Partitions of mentions.raw, which every brand's windows wait for (see sourcesEventTimeMs). */
  sourcePartitions: () => number;
  clock: Clock;
  groupId: string;
  intervalMs: number;
  /** How far ahead of the clock a createdAt may be; further goes to the DLQ (see futureEventTimeReason). */
  maxClockSkewMs: number;
}

/**
 * mentions.raw → mentions.enriched, and the first stage of the brand windows: per batch, one
 * tally per plan brand on mentions.tallies with the batch's counts per interval and the
 * partition's watermark (the newest event time of any mention it delivered: like a stream
 * processor's per-partition watermark, it is the partition's, not a brand's). mentions.raw is
 * keyed by conversation, so a brand's mentions spread over every partition and every pipeline
 * instance; the signals stage merges the tallies per brand.
 *
 * Exactly once: a batch's enriched records, tallies, dead letters and offset are committed in
 * one Kafka transaction, so a producer retried after a node's loss or a crash mid-batch stores
 * and counts nothing twice, and a batch handled again after an abort is counted whole. A
 * mention already seen (same platform and id) within the dedupe window is dropped; it is marked
 * seen, and the partition's progress saved, once the batch is committed, so the progress never
 * runs ahead of the published tallies. Ingest refuses future-dated mentions and invented brands,
 * but anything that can write to the topic is not ingest: such mentions are dead-lettered or,
 * for brand ids the plan does not have, enriched without them.
 */
export function createEnrichmentConsumer(
  wiring: ConsumerWiring,
  deps: EnrichmentDependencies,
): BatchConsumerRunner<Mention> {
  const outputTopic = `${wiring.topicPrefix}${TOPICS.mentionsEnriched}`;
  const talliesTopic = `${wiring.topicPrefix}${TOPICS.mentionsTallies}`;
  const logger = new Logger('enrichment');
  const handle = async (batch: PartitionBatch<Mention>): Promise<Rejection[]> => {
    const nowMs = deps.clock.now();
    const [saved, unseenKeys] = await Promise.all([
      deps.checkpoints.load(batch.topic, batch.partition, readEnrichmentCheckpoint),
      deps.seen.filterUnseen(
        batch.items.map((item) => mentionKey(item.value)),
        nowMs,
      ),
    ]);
    const unseen = new Set(unseenKeys);
    const matchers = deps.brandMatchers();
    const enrichedAt = new Date(nowMs).toISOString();
    const records: OutgoingRecord[] = [];
    const published: string[] = [];
    const rejections: Rejection[] = [];
    const observations: MentionObservation[] = [];
    const planBrandIds = [...new Set(matchers.map((matcher) => matcher.brandId))];
    let eventTimeMs = saved?.state.eventTimeMs ?? 0;
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
      for (const outgoing of toEnrichedRecords(enriched.mention)) records.push(outgoing);
      published.push(key);
      const mentionTimeMs = Date.parse(value.createdAt);
      eventTimeMs = Math.max(eventTimeMs, mentionTimeMs);
      const negative = enriched.mention.sentiment.label === 'negative';
      const followers = value.author.followers ?? 0;
      for (const brandId of enriched.mention.brandIds) {
        observations.push({ brandId, eventTimeMs: mentionTimeMs, negative, followers });
      }
    }
    if (unknownBrandIds > 0) {
      logger.warn(
        `${unknownBrandIds} brand id(s) not in the crisis plan dropped from mentions in ${batch.topic}[${batch.partition}]`,
      );
    }
    const counts = tallyObservations(observations, deps.intervalMs);
    const progress = {
      sourcePartition: batch.partition,
      sourcePartitions: deps.sourcePartitions(),
      throughOffset: batch.lastOffset,
      eventTimeMs,
      deliveredAtMs: nowMs,
      caughtUpAtMs: null,
    };
    // Every plan brand hears how far the partition got, so none waits for it in vain.
    const tallies = planBrandIds.map((brandId): WindowTally => ({
      brandId,
      ...progress,
      intervals: counts.get(brandId) ?? [],
    }));
    await batch.output.publish(outputTopic, records);
    await batch.output.publish(talliesTopic, tallies.map(toTallyRecord));
    batch.afterCommit(async () => {
      await Promise.all([
        deps.seen.markSeen(published, nowMs),
        deps.checkpoints.save(batch.topic, batch.partition, {
          offset: batch.lastOffset,
          state: { eventTimeMs, deliveredAtMs: nowMs },
        }),
      ]);
    });
    return rejections;
  };
  return consumeTopic(wiring, {
    groupId: `${deps.groupId}-enrichment`,
    topic: TOPICS.mentionsRaw,
    schema: mentionSchema,
    // Ingest and the collector validated their records; anything else writing here is checked.
    trustedFormat: MENTION_FORMAT,
    logger,
    partitionsConsumedConcurrently: deps.partitionsConcurrently,
    transactional: true,
    handle,
  });
}
