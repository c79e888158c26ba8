import { Logger } from '@nestjs/common';
import type { ReplyQueueActions } from '@tocsin/alert-actions';
import { brandOfRecordKey, enrichedMentionSchema, TOPICS, type Clock, type EnrichedMention } from '@tocsin/domain';
import { consumeTopic, type BatchConsumerRunner, type ConsumerWiring } from '@tocsin/kafka';
import { replyEventRecords, type ReplyQueueEvent } from '@tocsin/reply-queue';

export interface ReplyQueueDependencies {
  actions: ReplyQueueActions;
  groupId: string;
  clock: Clock;
}

/**
 * mentions.enriched → brands' reply queues, in a consumer group of its own: negative mentions
 * that deserve an answer enter, brand replies close what they answer. Records are keyed by
 * brand, so a complaint and its answer are read in order by one consumer. The queue's changes
 * are published before the offsets are committed; a replay changes nothing twice.
 */
export function createReplyQueueConsumer(
  wiring: ConsumerWiring,
  deps: ReplyQueueDependencies,
): BatchConsumerRunner<EnrichedMention> {
  const logger = new Logger('reply-queue');
  const eventsTopic = `${wiring.topicPrefix}${TOPICS.repliesEvents}`;
  return consumeTopic(wiring, {
    groupId: `${deps.groupId}-replies`,
    topic: TOPICS.mentionsEnriched,
    schema: enrichedMentionSchema,
    logger,
    handle: async (batch) => {
      const events: ReplyQueueEvent[] = [];
      for (const { record, value } of batch.items) {
        const brandId = brandOfRecordKey(record.key);
        if (brandId) events.push(...(await deps.actions.takeMention(brandId, value, deps.clock.now())));
      }
      if (events.length > 0) await wiring.publisher.publish(eventsTopic, replyEventRecords(events));
    },
  });
}
