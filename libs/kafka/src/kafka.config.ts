import { deploymentSchema, TocsinError } from '@tocsin/domain';
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
  /** TLS to the brokers (their listeners must be SSL or SASL_SSL). */
  KAFKA_SSL: z.enum(['0', '1', 'false', 'true']).default('0'),
  /** PEM file of the CA that signed the brokers' certificates, when it is not a public one. */
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  /** production (the default) refuses SASL PLAIN without TLS: it sends the password as it is. */
  NODE_ENV: deploymentSchema,
});

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** How the clients authenticate and encrypt; nothing set: PLAINTEXT, as the dev broker listens. */
export interface KafkaSecurity {
  ssl: boolean;
  /** Read when the client is created; null: the system's CAs. */
  caFile: string | null;
  sasl: { mechanism: SaslMechanism; username: string; password: string } | null;
}

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  topicPrefix: string;
  replication: TopicReplication;
  security: KafkaSecurity;
}

/** The SASL and TLS settings, refused with a message naming the variables when they do not fit together. */
function toKafkaSecurity(env: z.infer<typeof kafkaEnvironmentSchema>): KafkaSecurity {
  const ssl = env.KAFKA_SSL === '1' || env.KAFKA_SSL === 'true';
  const fail = (message: string): never => {
    throw new TocsinError('invalid_environment', message);
  };
  if (env.KAFKA_SSL_CA_FILE !== undefined && !ssl) {
    fail(`KAFKA_SSL_CA_FILE: only read with KAFKA_SSL=1, got KAFKA_SSL="${env.KAFKA_SSL}"`);
  }
  const mechanism = env.KAFKA_SASL_MECHANISM;
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = env;
  if (mechanism === undefined) {
    if (username !== undefined || password !== undefined) {
      fail(
        'KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD: given without KAFKA_SASL_MECHANISM (plain, scram-sha-256 or scram-sha-512)',
      );
    }
    return { ssl, caFile: env.KAFKA_SSL_CA_FILE ?? null, sasl: null };
  }
  if (username === undefined || password === undefined) {
    const missing = [
      username === undefined ? 'KAFKA_SASL_USERNAME' : null,
      password === undefined ? 'KAFKA_SASL_PASSWORD' : null,
    ];
    fail(`${missing.filter(Boolean).join(' and ')}: required with KAFKA_SASL_MECHANISM=${mechanism}`);
  }
  if (mechanism === 'plain' && !ssl && env.NODE_ENV === 'production') {
    fail(
      'KAFKA_SASL_MECHANISM: plain sends the password in clear without TLS; set KAFKA_SSL=1 (or use scram-sha-512); ' +
        'plain without TLS is allowed only when NODE_ENV is development or test',
    );
  }
  return {
    ssl,
    caFile: env.KAFKA_SSL_CA_FILE ?? null,
    sasl: { mechanism, username: username ?? '', password: password ?? '' },
  };
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
    security: toKafkaSecurity(env),
    replication: {
      factor: env.KAFKA_REPLICATION_FACTOR,
      minInsyncReplicas: env.KAFKA_MIN_INSYNC_REPLICAS,
      allowUnderReplicated: env.KAFKA_ALLOW_UNDER_REPLICATED === 'true',
    },
  };
}
