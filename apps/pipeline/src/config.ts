import {
  liveMaxAgeSchema,
  logLevelSchema,
  maxClockSkewSchema,
  parseEnvironment,
  type Environment,
  type LogLevel,
} from '@tocsin/domain';
import { kafkaEnvironmentSchema, toKafkaSettings, type KafkaSettings } from '@tocsin/kafka';
import { redisEnvironmentSchema, toRedisSettings, type RedisSettings } from '@tocsin/redis';
import { logFormatSchema, type LogFormat } from '@tocsin/observability';
import { z } from 'zod';

const positiveMs = z.coerce.number().int().positive();

const pipelineEnvironmentSchema = kafkaEnvironmentSchema.merge(redisEnvironmentSchema).extend({
  LOG_LEVEL: logLevelSchema,
  /** `json` logs one JSON object a line (pino); `text`, the default, coloured lines. */
  LOG_FORMAT: logFormatSchema,
  /** Where `GET /health` listens, for supervisors. */
  PIPELINE_HEALTH_HOST: z.string().min(1).default('0.0.0.0'),
  PIPELINE_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  /** Prefix of the two consumer groups (enrichment and signals). */
  PIPELINE_GROUP_ID: z.string().min(1).default('tocsin-pipeline'),
  /** Crisis plan YAML: the brands to match and the triggers to evaluate. */
  PLAN_FILE: z.string().min(1).default('config/crisis-plan.example.yaml'),
  /** Length of the per-brand volume intervals fed to the spike detector. */
  SIGNAL_INTERVAL_MS: positiveMs.default(60_000),
  /** How late (event time) a mention may arrive and still be counted in its interval. */
  SIGNAL_ALLOWED_LATENESS_MS: z.coerce.number().int().nonnegative().default(120_000),
  /** Most intervals one brand closes per batch: bounds a batch's work whatever the jump in event time. */
  SIGNAL_MAX_INTERVALS_PER_BATCH: positiveMs.default(1_440),
  /** Partitions each consumer handles at once: their Kafka and Redis round trips overlap. kafkajs starts a worker per unit. */
  PIPELINE_PARTITIONS_CONCURRENTLY: z.coerce.number().int().positive().max(64).default(6),
  LIVE_MAX_AGE_MS: liveMaxAgeSchema,
  /** Records dated further ahead of the clock go to mentions.dlq instead of moving event time. */
  MAX_CLOCK_SKEW_MS: maxClockSkewSchema,
});

export interface PipelineConfig {
  logLevels: LogLevel[];
  logFormat: LogFormat;
  groupId: string;
  health: { host: string; port: number };
  planFile: string;
  intervalMs: number;
  allowedLatenessMs: number;
  maxIntervalsPerBatch: number;
  partitionsConcurrently: number;
  liveMaxAgeMs: number;
  maxClockSkewMs: number;
  kafka: KafkaSettings;
  redis: RedisSettings;
}

export const PIPELINE_CONFIG = Symbol('PipelineConfig');

/** The only reader of the environment for this app; fails naming each bad variable. */
export function loadPipelineConfig(env: Environment): PipelineConfig {
  const parsed = parseEnvironment(pipelineEnvironmentSchema, env);
  return Object.freeze({
    logLevels: parsed.LOG_LEVEL,
    logFormat: parsed.LOG_FORMAT,
    groupId: parsed.PIPELINE_GROUP_ID,
    health: { host: parsed.PIPELINE_HEALTH_HOST, port: parsed.PIPELINE_HEALTH_PORT },
    planFile: parsed.PLAN_FILE,
    intervalMs: parsed.SIGNAL_INTERVAL_MS,
    allowedLatenessMs: parsed.SIGNAL_ALLOWED_LATENESS_MS,
    maxIntervalsPerBatch: parsed.SIGNAL_MAX_INTERVALS_PER_BATCH,
    partitionsConcurrently: parsed.PIPELINE_PARTITIONS_CONCURRENTLY,
    liveMaxAgeMs: parsed.LIVE_MAX_AGE_MS,
    maxClockSkewMs: parsed.MAX_CLOCK_SKEW_MS,
    kafka: toKafkaSettings(parsed),
    redis: toRedisSettings(parsed),
  });
}
