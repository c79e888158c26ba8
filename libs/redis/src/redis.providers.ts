import type { Provider } from '@nestjs/common';
import type { RedisSettings } from './redis.config';
import { checkRedisCredentials, createRedis, RedisKeys } from './redis.factory';

export const REDIS_CLIENT = Symbol('RedisClient');

/**
 * The app's Redis connection (by the REDIS_CLIENT token) and its key builder. The app does not
 * start when Redis refuses REDIS_URL's credentials; an unreachable Redis is waited for as before.
 */
export function redisProviders(settings: RedisSettings, connectionName: string): Provider[] {
  return [
    {
      provide: REDIS_CLIENT,
      useFactory: async () => {
        const redis = createRedis(settings, connectionName);
        try {
          await checkRedisCredentials(redis, settings.url);
        } catch (error) {
          redis.disconnect();
          throw error;
        }
        return redis;
      },
    },
    { provide: RedisKeys, useFactory: () => new RedisKeys(settings.keyPrefix) },
  ];
}
