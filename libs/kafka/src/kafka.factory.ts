import { redactCredentials } from '@tocsin/domain';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { KafkaSettings } from './kafka.config';

export interface KafkaLogger {
  warn(message: string): void;
  error(message: string): void;
}

/** A kafkajs client whose own logs go to the app's logger, warnings and errors only. */
export function createKafka(settings: Omit<KafkaSettings, 'replication'>, logger: KafkaLogger): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 8 },
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, ...extra } = log;
        const line = redactCredentials(`[${namespace}] ${message} ${JSON.stringify(extra)}`);
        if (level <= logLevel.ERROR) logger.error(line);
        else logger.warn(line);
      },
  });
}

/** Topic names with the deployment's prefix applied. */
export function topicName(settings: KafkaSettings, topic: string): string {
  return `${settings.topicPrefix}${topic}`;
}
