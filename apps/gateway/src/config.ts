import { liveMaxAgeSchema, logLevelSchema, parseEnvironment, type Environment, type LogLevel } from '@tocsin/domain';
import { kafkaEnvironmentSchema, toKafkaSettings, type KafkaSettings } from '@tocsin/kafka';
import { redisEnvironmentSchema, toRedisSettings, type RedisSettings } from '@tocsin/redis';
import { z } from 'zod';
import type { SocketLimits } from './socket-limits';

const positiveInt = z.coerce.number().int().positive();

const gatewayEnvironmentSchema = kafkaEnvironmentSchema.merge(redisEnvironmentSchema).extend({
  LOG_LEVEL: logLevelSchema,
  GATEWAY_HOST: z.string().min(1).default('0.0.0.0'),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  /** Consumer group shared by all gateway instances: each record is delivered once cluster-wide. */
  GATEWAY_GROUP_ID: z.string().min(1).default('tocsin-gateway'),
  /** Crisis plan YAML: brands, people, schedules and escalation policies. */
  PLAN_FILE: z.string().min(1).default('config/crisis-plan.example.yaml'),
  /** Folder of the wall and console pages. */
  GATEWAY_PUBLIC_DIR: z.string().min(1).default('apps/gateway/public'),
  /** Where people reach the console; used in links of alert messages. */
  PUBLIC_URL: z.string().url().default('http://127.0.0.1:3001'),
  LIVE_MAX_AGE_MS: liveMaxAgeSchema,
  /** Commands per second one socket may send on average; beyond, `rate_limited`. */
  GATEWAY_SOCKET_RATE: positiveInt.default(10),
  /** Commands one socket may send at once after a quiet spell. */
  GATEWAY_SOCKET_BURST: positiveInt.default(20),
  /** Commands of one socket answered at the same time; beyond, `too_many_pending`. */
  GATEWAY_SOCKET_MAX_PENDING: positiveInt.default(4),
  /** Brands one socket may follow; beyond, `too_many_subscriptions`. */
  GATEWAY_SOCKET_MAX_BRANDS: positiveInt.default(50),
  /** Largest message a client may send; a bigger one closes its connection. */
  GATEWAY_SOCKET_MAX_PAYLOAD_BYTES: positiveInt.default(64 * 1024),
});

export interface GatewayConfig {
  logLevels: LogLevel[];
  host: string;
  port: number;
  groupId: string;
  planFile: string;
  publicDir: string;
  publicUrl: string;
  liveMaxAgeMs: number;
  socketLimits: SocketLimits;
  kafka: KafkaSettings;
  redis: RedisSettings;
}

export const GATEWAY_CONFIG = Symbol('GatewayConfig');

/** The only reader of the environment for this app; fails naming each bad variable. */
export function loadGatewayConfig(env: Environment): GatewayConfig {
  const parsed = parseEnvironment(gatewayEnvironmentSchema, env);
  return Object.freeze({
    logLevels: parsed.LOG_LEVEL,
    host: parsed.GATEWAY_HOST,
    port: parsed.GATEWAY_PORT,
    groupId: parsed.GATEWAY_GROUP_ID,
    planFile: parsed.PLAN_FILE,
    publicDir: parsed.GATEWAY_PUBLIC_DIR,
    publicUrl: parsed.PUBLIC_URL,
    liveMaxAgeMs: parsed.LIVE_MAX_AGE_MS,
    socketLimits: Object.freeze({
      ratePerSecond: parsed.GATEWAY_SOCKET_RATE,
      burst: parsed.GATEWAY_SOCKET_BURST,
      maxPending: parsed.GATEWAY_SOCKET_MAX_PENDING,
      maxBrands: parsed.GATEWAY_SOCKET_MAX_BRANDS,
      maxPayloadBytes: parsed.GATEWAY_SOCKET_MAX_PAYLOAD_BYTES,
    }),
    kafka: toKafkaSettings(parsed),
    redis: toRedisSettings(parsed),
  });
}
