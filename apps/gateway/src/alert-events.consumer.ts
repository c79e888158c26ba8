import { Logger } from '@nestjs/common';
import { socketMessageSchema, type SocketMessage } from '@tocsin/alerting';
import { TOPICS, type Clock } from '@tocsin/domain';
import { consumeTopic, type BatchConsumerRunner, type ConsumerWiring } from '@tocsin/kafka';
import type { DeliveredKeysStore } from '@tocsin/redis';
import type { AlertsGateway } from './alerts.gateway';

export interface AlertEventsDependencies {
  gateway: AlertsGateway;
  delivered: DeliveredKeysStore;
  groupId: string;
  clock: Clock;
  /** Events older than this are history: a new gateway group reading from the start skips them. */
  liveMaxAgeMs: number;
}

/**
 * alerts.events (the alerter's outbox relay) → the brand's room and the rooms of the people
 * paged. The relay sends at least once; each key reaches the sockets once across gateways.
 */
export function createAlertEventsConsumer(
  wiring: ConsumerWiring,
  deps: AlertEventsDependencies,
): BatchConsumerRunner<SocketMessage> {
  const logger = new Logger('alert-events');
  return consumeTopic(wiring, {
    groupId: `${deps.groupId}-alert-events`,
    topic: TOPICS.alertsEvents,
    schema: socketMessageSchema,
    logger,
    handle: async (batch) => {
      const liveSinceMs = deps.clock.now() - deps.liveMaxAgeMs;
      const live = batch.items.map((item) => item.value).filter((message) => message.event.atMs >= liveSinceMs);
      const first = await deps.delivered.markFirst(live.map((message) => message.key));
      let repeated = 0;
      live.forEach((message, index) => {
        if (first[index]) deps.gateway.broadcast(message.event, message.userIds);
        else repeated += 1;
      });
      if (repeated > 0) logger.log(`${repeated} alert event(s) already delivered, not sent again`);
    },
  });
}
