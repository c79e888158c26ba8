import { redactCredentials } from '@tocsin/domain';
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import { readFileSync } from 'node:fs';
import type { KafkaSecurity, KafkaSettings } from './kafka.config';

export interface KafkaLogger {
  warn(message: string): void;
  error(message: string): void;
}

/** kafkajs' `ssl` and `sasl` options; the CA file is read here, once, when the client is made. */
export function kafkaSecurityOptions(security: KafkaSecurity): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  let ssl: KafkaConfig['ssl'] = security.ssl;
  if (security.ssl && security.caFile !== null) {
    try {
      ssl = { ca: [readFileSync(security.caFile, 'utf8')] };
    } catch (error) {
      const reason = typeof error === 'object' && error !== null && 'message' in error ? error.message : error;
      throw new Error(`KAFKA_SSL_CA_FILE: cannot read ${security.caFile}: ${String(reason)}`);
    }
  }
  const sasl: SASLOptions | undefined = security.sasl ? { ...security.sasl } : undefined;
  return sasl ? { ssl, sasl } : { ssl };
}

/** A kafkajs client whose own logs go to the app's logger, warnings and errors only. */
export function createKafka(
  settings: Omit<KafkaSettings, 'replication' | 'security'> & { security?: KafkaSecurity },
  logger: KafkaLogger,
): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    ...(settings.security ? kafkaSecurityOptions(settings.security) : {}),
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
