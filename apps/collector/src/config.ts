import { logLevelSchema, parseEnvironment, type Environment, type LogLevel } from '@tocsin/domain';
import { kafkaEnvironmentSchema, toKafkaSettings, type KafkaSettings } from '@tocsin/kafka';
import { redisEnvironmentSchema, toRedisSettings, type RedisSettings } from '@tocsin/redis';
import type { BackoffPolicy } from '@tocsin/sources';
import { hostname } from 'node:os';
import { z } from 'zod';

const positiveMs = z.coerce.number().int().positive();

const collectorEnvironmentSchema = kafkaEnvironmentSchema.merge(redisEnvironmentSchema).extend({
  LOG_LEVEL: logLevelSchema,
  /** The sources file (YAML) this collector reads from. */
  SOURCES_FILE: z.string().min(1),
  /** Crisis plan YAML: its brands key each mention as ingest does. */
  PLAN_FILE: z.string().min(1).default('config/crisis-plan.example.yaml'),
  COLLECTOR_HOST: z.string().min(1).default('0.0.0.0'),
  COLLECTOR_PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  /** Names this instance in leases and on /health; unique per running collector. */
  COLLECTOR_INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,128}$/, 'expected letters, digits, ".", "_" or "-"')
    .default(`${hostname()}-${process.pid}`),
  /** A source's lease lapses this long after its holder stopped renewing it (a crash). */
  COLLECTOR_LEASE_MS: positiveMs.default(15_000),
  /** An item dated further ahead than this is dated now. */
  COLLECTOR_MAX_FUTURE_SKEW_MS: z.coerce.number().int().nonnegative().default(300_000),
  COLLECTOR_BACKOFF_BASE_MS: positiveMs.default(1_000),
  COLLECTOR_BACKOFF_MAX_MS: positiveMs.default(300_000),
});

export interface CollectorConfig {
  logLevels: LogLevel[];
  sourcesFile: string;
  planFile: string;
  host: string;
  port: number;
  instanceId: string;
  leaseMs: number;
  maxFutureSkewMs: number;
  backoff: BackoffPolicy;
  /** Every variable, for sources that name one holding their access token. */
  environment: Environment;
  kafka: KafkaSettings;
  redis: RedisSettings;
}

export const COLLECTOR_CONFIG = Symbol('CollectorConfig');

/** The only reader of the environment for this app; fails naming each bad variable. */
export function loadCollectorConfig(env: Environment): CollectorConfig {
  const parsed = parseEnvironment(collectorEnvironmentSchema, env);
  return Object.freeze({
    logLevels: parsed.LOG_LEVEL,
    sourcesFile: parsed.SOURCES_FILE,
    planFile: parsed.PLAN_FILE,
    host: parsed.COLLECTOR_HOST,
    port: parsed.COLLECTOR_PORT,
    instanceId: parsed.COLLECTOR_INSTANCE_ID,
    leaseMs: parsed.COLLECTOR_LEASE_MS,
    maxFutureSkewMs: parsed.COLLECTOR_MAX_FUTURE_SKEW_MS,
    backoff: { baseMs: parsed.COLLECTOR_BACKOFF_BASE_MS, maxMs: parsed.COLLECTOR_BACKOFF_MAX_MS },
    environment: env,
    kafka: toKafkaSettings(parsed),
    redis: toRedisSettings(parsed),
  });
}
