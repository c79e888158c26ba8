import { z } from 'zod';
import type { ReplicaConfirmation } from './replica-confirmation';

const hostPortList = z
  .string()
  .refine((value) => value.split(',').every((entry) => /^[^\s:,]+:\d{1,5}$/.test(entry.trim())), {
    message: 'expected host:port[,host:port]',
  })
  .transform((value) =>
    value.split(',').map((entry) => {
      const [host = '', port = ''] = entry.trim().split(':');
      return { host, port: Number(port) };
    }),
  );

/** Environment variables shared by every app that talks to Redis. */
export const redisEnvironmentSchema = z.object({
  /** The server, or with REDIS_SENTINELS only its password and database (the host is the sentinels' answer). */
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine((value) => /^rediss?:\/\/[^\s]+$/.test(value), { message: 'expected redis://host:port[/db]' }),
  /** Prefix of every key, so test runs and tenants can share one server. */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9:._-]+$/, 'expected letters, digits, ":", ".", "_" or "-"')
    .default('tocsin:'),
  /** Redis Sentinel: the sentinels to ask for the current primary, instead of REDIS_URL's host. */
  REDIS_SENTINELS: hostPortList.optional(),
  /** The name the sentinels monitor the primary under (`sentinel monitor <name> …`). */
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[a-zA-Z0-9._-]+$/, 'expected letters, digits, ".", "_" or "-"')
    .default('tocsin'),
  /** Replicas that must hold an alert change before it counts (Redis WAIT); 0 does not wait. */
  REDIS_CONFIRM_REPLICAS: z.coerce.number().int().min(0).max(5).default(0),
  /** How long a write waits for those replicas before it is reported as unconfirmed. */
  REDIS_CONFIRM_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(500),
});

export interface RedisSentinelSettings {
  sentinels: Array<{ host: string; port: number }>;
  name: string;
}

export interface RedisSettings {
  url: string;
  keyPrefix: string;
  /** Null: REDIS_URL names the server itself. */
  sentinel: RedisSentinelSettings | null;
  confirmation: ReplicaConfirmation;
}

export function toRedisSettings(env: z.infer<typeof redisEnvironmentSchema>): RedisSettings {
  return {
    url: env.REDIS_URL,
    keyPrefix: env.REDIS_KEY_PREFIX,
    sentinel: env.REDIS_SENTINELS ? { sentinels: env.REDIS_SENTINELS, name: env.REDIS_SENTINEL_NAME } : null,
    confirmation: { replicas: env.REDIS_CONFIRM_REPLICAS, timeoutMs: env.REDIS_CONFIRM_TIMEOUT_MS },
  };
}
