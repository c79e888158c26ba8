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
  /** Partitions of mentions.enriched the wall's consumer handles at once, their round trips overlapping. */
  GATEWAY_PARTITIONS_CONCURRENTLY: positiveInt.max(64).default(1),
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
  /** Signs the session cookie; the same on every gateway instance, 32 characters or more, kept secret. */
  SESSION_SECRET: z
    .string({ required_error: 'required: a random secret of 32+ characters shared by every gateway instance' })
    .min(32, 'expected 32 characters or more (e.g. `openssl rand -base64 48`)'),
  /** A session unused this long ends (every HTTP call and socket command counts as use). */
  SESSION_IDLE_MS: positiveInt.default(4 * 3_600_000),
  /** A session ends this long after sign-in, used or not. */
  SESSION_ABSOLUTE_MS: positiveInt.default(12 * 3_600_000),
  /** How often each gateway checks the sessions of its sockets, closing those that ended. */
  SESSION_CHECK_INTERVAL_MS: positiveInt.default(30_000),
  /** Failed sign-ins allowed per username and address within LOGIN_WINDOW_MS (ten times that per address). */
  LOGIN_MAX_FAILURES: positiveInt.default(5),
  LOGIN_WINDOW_MS: positiveInt.default(15 * 60_000),
  /** Reverse proxies in front of the gateway whose X-Forwarded-For is believed (0: none). */
  GATEWAY_TRUST_PROXY: z.coerce.number().int().min(0).default(0),
  /** OpenID Connect sign-in, on when the issuer is set: its URL, and this gateway's client at it. */
  OIDC_ISSUER_URL: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
});

export interface SessionSettings {
  secret: string;
  idleMs: number;
  absoluteMs: number;
  checkIntervalMs: number;
  /** Cookie only over HTTPS when the public URL is HTTPS. */
  secureCookie: boolean;
}

export interface LoginLimits {
  maxFailures: number;
  windowMs: number;
}

export interface OidcSettings {
  issuerUrl: string;
  clientId: string;
  clientSecret?: string;
}

export interface GatewayConfig {
  logLevels: LogLevel[];
  host: string;
  port: number;
  groupId: string;
  planFile: string;
  publicDir: string;
  publicUrl: string;
  liveMaxAgeMs: number;
  wallPartitionsConcurrently: number;
  socketLimits: SocketLimits;
  session: SessionSettings;
  login: LoginLimits;
  trustProxy: number;
  oidc?: OidcSettings;
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
    wallPartitionsConcurrently: parsed.GATEWAY_PARTITIONS_CONCURRENTLY,
    socketLimits: Object.freeze({
      ratePerSecond: parsed.GATEWAY_SOCKET_RATE,
      burst: parsed.GATEWAY_SOCKET_BURST,
      maxPending: parsed.GATEWAY_SOCKET_MAX_PENDING,
      maxBrands: parsed.GATEWAY_SOCKET_MAX_BRANDS,
      maxPayloadBytes: parsed.GATEWAY_SOCKET_MAX_PAYLOAD_BYTES,
    }),
    session: Object.freeze({
      secret: parsed.SESSION_SECRET,
      idleMs: parsed.SESSION_IDLE_MS,
      absoluteMs: parsed.SESSION_ABSOLUTE_MS,
      checkIntervalMs: parsed.SESSION_CHECK_INTERVAL_MS,
      secureCookie: parsed.PUBLIC_URL.startsWith('https:'),
    }),
    login: Object.freeze({ maxFailures: parsed.LOGIN_MAX_FAILURES, windowMs: parsed.LOGIN_WINDOW_MS }),
    trustProxy: parsed.GATEWAY_TRUST_PROXY,
    oidc: toOidcSettings(parsed),
    kafka: toKafkaSettings(parsed),
    redis: toRedisSettings(parsed),
  });
}

function toOidcSettings(parsed: z.infer<typeof gatewayEnvironmentSchema>): OidcSettings | undefined {
  if (parsed.OIDC_ISSUER_URL === undefined) return undefined;
  if (parsed.OIDC_CLIENT_ID === undefined) {
    throw new Error('OIDC_CLIENT_ID: required when OIDC_ISSUER_URL is set, got nothing');
  }
  return Object.freeze({
    issuerUrl: parsed.OIDC_ISSUER_URL,
    clientId: parsed.OIDC_CLIENT_ID,
    clientSecret: parsed.OIDC_CLIENT_SECRET,
  });
}
