import { z } from 'zod';

const brokerList = z
  .string()
  .default('127.0.0.1:9092')
  .refine((value) => value.split(',').every((broker) => /^[^\s:,]+:\d{1,5}$/.test(broker.trim())), {
    message: 'expected host:port[,host:port]',
  })
  .transform((value) => value.split(',').map((broker) => broker.trim()));

/** Environment variables shared by every app that talks to Kafka. */
export const kafkaEnvironmentSchema = z.object({
  KAFKA_BROKERS: brokerList,
  KAFKA_CLIENT_ID: z.string().min(1).default('tocsin'),
  /** Prefix for topic names, so test runs and tenants can share one cluster. */
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/, 'expected letters, digits, ".", "_" or "-"')
    .default(''),
});

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  topicPrefix: string;
}

export function toKafkaSettings(env: z.infer<typeof kafkaEnvironmentSchema>): KafkaSettings {
  return { brokers: env.KAFKA_BROKERS, clientId: env.KAFKA_CLIENT_ID, topicPrefix: env.KAFKA_TOPIC_PREFIX };
}
