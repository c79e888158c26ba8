import type { Provider } from '@nestjs/common';
import type { RedisSettings } from './redis.config';
import { createRedis, RedisKeys } from './redis.factory';

export const REDIS_CLIENT = Symbol('RedisClient');

/** The app's Redis connection (by the REDIS_CLIENT token) and its key builder. */
export function redisProviders(settings: RedisSettings, connectionName: string): Provider[] {
  return [
    { provide: REDIS_CLIENT, useFactory: () => createRedis(settings, connectionName) },
    { provide: RedisKeys, useFactory: () => new RedisKeys(settings.keyPrefix) },
  ];
}
