import { z } from 'zod';

/** Environment variables shared by every app that talks to Redis. */
export const redisEnvironmentSchema = z.object({
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine((value) => /^rediss?:\/\/[^\s]+$/.test(value), { message: 'expected redis://host:port[/db]' }),
  /** Prefix of every key, so test runs and tenants can share one server. */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9:._-]+$/, 'expected letters, digits, ":", ".", "_" or "-"')
    .default('tocsin:'),
});

export interface RedisSettings {
  url: string;
  keyPrefix: string;
}

export function toRedisSettings(env: z.infer<typeof redisEnvironmentSchema>): RedisSettings {
  return { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX };
}
