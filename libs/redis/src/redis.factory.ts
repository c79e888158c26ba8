import Redis from 'ioredis';
import type { RedisSettings } from './redis.config';

/**
 * An ioredis client that queues commands while (re)connecting and fails a command after
 * its retries rather than hanging forever, so callers see Redis outages as errors.
 */
export function createRedis(settings: RedisSettings, connectionName: string): Redis {
  return new Redis(settings.url, {
    connectionName,
    maxRetriesPerRequest: 5,
    enableReadyCheck: true,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
}

/** Every key Tocsin writes starts with the deployment prefix; build them only through this. */
export class RedisKeys {
  constructor(private readonly prefix: string) {}

  key(...parts: Array<string | number>): string {
    return `${this.prefix}${parts.join(':')}`;
  }
}

/** True when Redis answers a PING; a readiness probe never throws. */
export async function isRedisReady(redis: Redis): Promise<boolean> {
  return redis.ping().then(
    (answer) => answer === 'PONG',
    () => false,
  );
}
