import { z } from 'zod';
import type { TopicReplication } from './topic-replication';

const brokerList = z
  .string()
  .default('127.0.0.1:9092')
  .refine((value) => value.split(',').every((broker) => /^[^\s:,]+:\d{1,5}$/.test(broker.trim())), {
    message: 'expected host:port[,host:port]',
  })
  .transform((value) => value.split(',').map((broker) => broker.trim()));

const replicaCount = z.coerce.number().int().min(1).max(7);

/** Environment variables shared by every app that talks to Kafka. */
export const kafkaEnvironmentSchema = z.object({
  KAFKA_BROKERS: brokerList,
  KAFKA_CLIENT_ID: z.string().min(1).default('tocsin'),
  /** Prefix for topic names, so test runs and tenants can share one cluster. */
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/, 'expected letters, digits, ".", "_" or "-"')
    .default(''),
  /** Copies of each partition: 1 on the single dev broker, 3 on a cluster. */
  KAFKA_REPLICATION_FACTOR: replicaCount.default(1),
  /** Copies that must hold a write before it is acknowledged (acks=all): 1 in dev, 2 on a cluster. */
  KAFKA_MIN_INSYNC_REPLICAS: replicaCount.default(1),
  /** Development only: start on topics with fewer replicas than asked, with a warning. */
  KAFKA_ALLOW_UNDER_REPLICATED: z.enum(['true', 'false']).default('false'),
});

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  topicPrefix: string;
  replication: TopicReplication;
}

export function toKafkaSettings(env: z.infer<typeof kafkaEnvironmentSchema>): KafkaSettings {
  if (env.KAFKA_MIN_INSYNC_REPLICAS > env.KAFKA_REPLICATION_FACTOR) {
    throw new Error(
      `KAFKA_MIN_INSYNC_REPLICAS: expected at most KAFKA_REPLICATION_FACTOR (${env.KAFKA_REPLICATION_FACTOR}), got "${env.KAFKA_MIN_INSYNC_REPLICAS}"`,
    );
  }
  return {
    brokers: env.KAFKA_BROKERS,
    clientId: env.KAFKA_CLIENT_ID,
    topicPrefix: env.KAFKA_TOPIC_PREFIX,
    replication: {
      factor: env.KAFKA_REPLICATION_FACTOR,
      minInsyncReplicas: env.KAFKA_MIN_INSYNC_REPLICAS,
      allowUnderReplicated: env.KAFKA_ALLOW_UNDER_REPLICATED === 'true',
    },
  };
}
