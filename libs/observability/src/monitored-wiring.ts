import { stopProcessOnFatal, type ConsumerWiring, type RecordPublisher } from '@tocsin/kafka';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { TocsinMetrics } from './tocsin-metrics';

/**
 * What an app's consumers share, with their Kafka figures counted, and its Redis connection's
 * failures counted too: ioredis reconnects by itself, so a dashboard is where an outage shows.
 */
export function monitoredWiring(deps: {
  kafka: Kafka;
  publisher: RecordPublisher;
  topicPrefix: string;
  redis: Redis;
  metrics: TocsinMetrics;
}): ConsumerWiring {
  deps.redis.on('error', () => deps.metrics.countError('redis', 'connection'));
  return {
    kafka: deps.kafka,
    publisher: deps.publisher,
    topicPrefix: deps.topicPrefix,
    onFatal: stopProcessOnFatal,
    telemetry: deps.metrics.kafka,
  };
}
