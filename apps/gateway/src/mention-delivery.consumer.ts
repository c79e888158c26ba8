import { Logger } from '@nestjs/common';
import {
  brandOfRecordKey,
  ENRICHED_MENTION_FORMAT,
  enrichedMentionSchema,
  TOPICS,
  type Clock,
  type EnrichedMention,
} from '@tocsin/domain';
import { consumeTopic, type BatchConsumerRunner, type ConsumerWiring, type PartitionBatch } from '@tocsin/kafka';
import type { RecentMentionsStore } from '@tocsin/redis';
import { LiveFeedBatch } from './live-feed';
import type { MentionsGateway } from './mentions.gateway';

export interface MentionDeliveryDependencies {
  recent: RecentMentionsStore;
  gateway: MentionsGateway;
  groupId: string;
  clock: Clock;
  /** Mentions older than this (event time against the clock) are not live: a backfill skips the wall. */
  liveMaxAgeMs: number;
  /** Partitions handled at once: their Redis writes, socket broadcasts and commits overlap. */
  partitionsConcurrently: number;
}

/** mentions.enriched → the brand's room and its recent-mentions buffer, live mentions only. */
export function createMentionDeliveryConsumer(
  wiring: ConsumerWiring,
  deps: MentionDeliveryDependencies,
): BatchConsumerRunner<EnrichedMention> {
  const logger = new Logger('mention-delivery');
  const handle = async (batch: PartitionBatch<EnrichedMention>): Promise<void> => {
    const live = new LiveFeedBatch<EnrichedMention>();
    const liveSinceMs = deps.clock.now() - deps.liveMaxAgeMs;
    let old = 0;
    for (const { record, value } of batch.items) {
      const brandId = brandOfRecordKey(record.key);
      if (!brandId) continue;
      if (Date.parse(value.createdAt) < liveSinceMs) {
        old += 1;
        continue;
      }
      live.add(brandId, value);
    }
    if (old > 0) logger.log(`${old} mention(s) older than the live horizon kept off the wall`);
    await live.storeThenDeliver(deps.recent, (brandId, mention) => deps.gateway.deliverMention(brandId, mention));
  };
  return consumeTopic(wiring, {
    groupId: `${deps.groupId}-mentions`,
    topic: TOPICS.mentionsEnriched,
    schema: enrichedMentionSchema,
    trustedFormat: ENRICHED_MENTION_FORMAT,
    logger,
    partitionsConsumedConcurrently: deps.partitionsConcurrently,
    // From the beginning, like every consumer here: a partition without a committed offset is
    // not always a new group's (its owner may have died before its first commit), and skipping
    // to the end would drop mentions from the wall. What is older than the live horizon is
    // skipped above, so a new group reading an old topic sends nothing stale.
    handle,
  });
}
