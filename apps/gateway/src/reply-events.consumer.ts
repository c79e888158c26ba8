import { Logger } from '@nestjs/common';
import { TOPICS, type Clock } from '@tocsin/domain';
import { consumeTopic, type BatchConsumerRunner, type ConsumerWiring } from '@tocsin/kafka';
import { replyQueueEventSchema, type ReplyQueueEvent } from '@tocsin/reply-queue';
import type { ReplyQueueGateway } from './reply-queue.gateway';

export interface ReplyEventsDependencies {
  gateway: ReplyQueueGateway;
  groupId: string;
  clock: Clock;
  /** Events older than this are history: a new gateway group reading from the start skips them. */
  liveMaxAgeMs: number;
}

/**
 * replies.events → the brand's room. An event sent twice (a replay after a crash) carries the
 * whole entry, so a console applying it again ends in the same state: no delivered-key store.
 */
export function createReplyEventsConsumer(
  wiring: ConsumerWiring,
  deps: ReplyEventsDependencies,
): BatchConsumerRunner<ReplyQueueEvent> {
  return consumeTopic(wiring, {
    groupId: `${deps.groupId}-reply-events`,
    topic: TOPICS.repliesEvents,
    schema: replyQueueEventSchema,
    logger: new Logger('reply-events'),
    handle: async (batch) => {
      const liveSinceMs = deps.clock.now() - deps.liveMaxAgeMs;
      for (const { value } of batch.items) if (value.atMs >= liveSinceMs) deps.gateway.broadcast(value);
    },
  });
}
