import { logLevelSchema, maxClockSkewSchema, parseEnvironment, type Environment, type LogLevel } from '@tocsin/domain';
import { kafkaEnvironmentSchema, toKafkaSettings, type KafkaSettings } from '@tocsin/kafka';
import { logFormatSchema, type LogFormat } from '@tocsin/observability';
import { redisEnvironmentSchema, toRedisSettings, type RedisSettings } from '@tocsin/redis';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

const ingestEnvironmentSchema = kafkaEnvironmentSchema.merge(redisEnvironmentSchema).extend({
  LOG_LEVEL: logLevelSchema,
  /** `json` logs one JSON object a line (pino); `text`, the default, coloured lines. */
  LOG_FORMAT: logFormatSchema,
  INGEST_HOST: z.string().min(1).default('0.0.0.0'),
  INGEST_PORT: port.default(3000),
  /** Largest accepted request body; larger gets 413. */
  INGEST_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(5 * 1024 * 1024),
  /** Most mentions in one request; more gets 413. */
  INGEST_MAX_MENTIONS: z.coerce.number().int().positive().default(5000),
  /** How far ahead of this server's clock a mention's createdAt may be; further is an item error. */
  MAX_CLOCK_SKEW_MS: maxClockSkewSchema,
  /** Crisis plan YAML: its brands key each mention to its brand's partition. */
  PLAN_FILE: z.string().min(1).default('config/crisis-plan.example.yaml'),
  /** How long an ingest key's record is kept in memory: the longest a revocation takes to apply. */
  INGEST_KEY_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  /** Kafka producers taken in turn, each with one produce request in flight. */
  INGEST_PRODUCERS: z.coerce.number().int().min(1).max(16).default(2),
});

export interface IngestConfig {
  logLevels: LogLevel[];
  logFormat: LogFormat;
  host: string;
  port: number;
  maxBodyBytes: number;
  maxMentions: number;
  maxClockSkewMs: number;
  planFile: string;
  keyCacheMs: number;
  producers: number;
  kafka: KafkaSettings;
  redis: RedisSettings;
}

export const INGEST_CONFIG = Symbol('IngestConfig');

/** The only reader of the environment for this app; fails naming each bad variable. */
export function loadIngestConfig(env: Environment): IngestConfig {
  const parsed = parseEnvironment(ingestEnvironmentSchema, env);
  return Object.freeze({
    logLevels: parsed.LOG_LEVEL,
    logFormat: parsed.LOG_FORMAT,
    host: parsed.INGEST_HOST,
    port: parsed.INGEST_PORT,
    maxBodyBytes: parsed.INGEST_MAX_BODY_BYTES,
    maxMentions: parsed.INGEST_MAX_MENTIONS,
    maxClockSkewMs: parsed.MAX_CLOCK_SKEW_MS,
    planFile: parsed.PLAN_FILE,
    keyCacheMs: parsed.INGEST_KEY_CACHE_MS,
    producers: parsed.INGEST_PRODUCERS,
    kafka: toKafkaSettings(parsed),
    redis: toRedisSettings(parsed),
  });
}
