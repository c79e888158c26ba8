import { KAFKA_TELEMETRY, type KafkaTelemetry } from './kafka.telemetry';
import { Logger, type Provider } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { KafkaSettings } from './kafka.config';
import { createKafka } from './kafka.factory';
import { RecordPublisher } from './record.publisher';

export const KAFKA_CLIENT = Symbol('KafkaClient');

/** The app's Kafka client (by the KAFKA_CLIENT token) and its idempotent producer. */
export function kafkaProviders(settings: KafkaSettings): Provider[] {
  return [
    { provide: KAFKA_CLIENT, useFactory: () => createKafka(settings, new Logger('kafka')) },
    {
      provide: RecordPublisher,
      useFactory: (kafka: Kafka, telemetry?: KafkaTelemetry) => new RecordPublisher(kafka, telemetry),
      inject: [KAFKA_CLIENT, { token: KAFKA_TELEMETRY, optional: true }],
    },
  ];
}
