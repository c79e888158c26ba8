import type { KafkaTelemetry } from './kafka.telemetry';
import { TOPICS } from '@tocsin/domain';
import type { Kafka } from 'kafkajs';
import type { ZodType, ZodTypeDef } from 'zod';
import { BatchConsumerRunner, type PartitionBatch, type Rejection } from './batch-consumer.runner';
import { jsonRecordDecoder } from './json-record.decoder';
import type { KafkaLogger } from './kafka.factory';
import { PartitionTransactions } from './partition-transactions';
import type { RecordPublisher } from './record.publisher';

/** What every consumer of an app shares: the client, the producer (for the DLQ) and the topic prefix. */
export interface ConsumerWiring {
  kafka: Kafka;
  publisher: RecordPublisher;
  topicPrefix: string;
  /** What to do when a consumer is given up for good; see BatchConsumerOptions.onFatal. */
  onFatal?(error: Error): void;
  telemetry?: KafkaTelemetry;
}

/**
 * The apps' answer to a consumer given up for good: a graceful stop (SIGTERM runs the shutdown
 * hooks) with a failing exit code, so the supervisor restarts the process and the log says why.
 */
export function stopProcessOnFatal(): void {
  process.exitCode = 1;
  process.kill(process.pid, 'SIGTERM');
}

export interface TopicConsumerSpec<T> {
  groupId: string;
  /** Unprefixed topic name, e.g. `mentions.raw`. */
  topic: string;
  /** Schema of the JSON records; a record it refuses goes to mentions.dlq. */
  schema: ZodType<T, ZodTypeDef, unknown>;
  /** Format header of records written by Tocsin in `schema`: decoded without validating again. */
  trustedFormat?: string;
  logger: KafkaLogger & { log(message: string): void };
  fromBeginning?: boolean;
  /** See BatchConsumerOptions.partitionsConsumedConcurrently. */
  partitionsConsumedConcurrently?: number;
  /** Outputs and offsets committed in one Kafka transaction per batch; see BatchConsumerOptions.transactions. */
  transactional?: boolean;
  handle(batch: PartitionBatch<T>): Promise<readonly Rejection[] | void>;
}

/** A batch consumer of one Tocsin topic of JSON records, dead-lettering to mentions.dlq. */
export function consumeTopic<T>(wiring: ConsumerWiring, spec: TopicConsumerSpec<T>): BatchConsumerRunner<T> {
  return new BatchConsumerRunner<T>({
    kafka: wiring.kafka,
    publisher: wiring.publisher,
    logger: spec.logger,
    groupId: spec.groupId,
    topic: `${wiring.topicPrefix}${spec.topic}`,
    dlqTopic: `${wiring.topicPrefix}${TOPICS.mentionsDlq}`,
    fromBeginning: spec.fromBeginning,
    partitionsConsumedConcurrently: spec.partitionsConsumedConcurrently,
    decode: jsonRecordDecoder(spec.schema, spec.trustedFormat),
    handle: spec.handle,
    onFatal: wiring.onFatal,
    telemetry: wiring.telemetry,
    transactions: spec.transactional ? new PartitionTransactions(wiring.kafka, wiring.telemetry) : undefined,
  });
}
