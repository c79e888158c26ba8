import { redactCredentials, TocsinError } from '@tocsin/domain';
import Redis, { type RedisOptions } from 'ioredis';
import type { RedisSettings } from './redis.config';

/**
 * An ioredis client that queues commands while (re)connecting and fails a command after
 * its retries rather than hanging forever, so callers see Redis outages as errors. With
 * sentinels it asks them for the current primary at every (re)connection. It learns of a
 * failover from its connection: a dead primary's closes, and the sentinels close clients'
 * connections to a primary they demote (a command that reached it first gets READONLY, below).
 * ioredis's `failoverDetector` is left off: when it disconnects the client while the client is
 * already resolving the new primary, ioredis ends the client for good ("Connection is closed").
 */
export function createRedis(settings: RedisSettings, connectionName: string): Redis {
  const options: RedisOptions = {
    connectionName,
    maxRetriesPerRequest: 5,
    enableReadyCheck: true,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  };
  if (!settings.sentinel) return new Redis(settings.url, options);
  const url = new URL(settings.url);
  return new Redis({
    ...options,
    sentinels: settings.sentinel.sentinels,
    name: settings.sentinel.name,
    role: 'master',
    password: url.password ? decodeURIComponent(url.password) : undefined,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    db: Number(url.pathname.slice(1) || 0),
    // rediss:// asks for TLS to the primary, as it does without sentinels.
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    sentinelRetryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    // A command that reached a primary demoted in the meantime (before the failover was announced
    // to this client) was refused, not run: reconnect to the current primary and send it again.
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
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

/**
 * Resolves once the client is ready, or at its first connection failure other than credentials
 * (an unreachable Redis is retried by the client, as at run time); rejects when Redis refuses
 * the credentials REDIS_URL gives, or asks for some it does not give: the app then stops at
 * start naming the variable, instead of failing every command later. The password is never quoted.
 */
export function checkRedisCredentials(redis: Redis, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error): void => {
      redis.off('ready', onReady);
      redis.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onReady = (): void => settle();
    const onError = (error: Error): void => {
      const where = `Redis at ${redactCredentials(url)}`;
      if (error.message.startsWith('NOAUTH')) {
        settle(
          new TocsinError(
            'redis_auth',
            `REDIS_URL: ${where} asks for a password, and REDIS_URL gives none (redis://:PASSWORD@host:port)`,
          ),
        );
      } else if (error.message.startsWith('WRONGPASS')) {
        settle(
          new TocsinError('redis_auth', `REDIS_URL: ${where} refused the user or password REDIS_URL gives (WRONGPASS)`),
        );
      } else settle();
    };
    if (redis.status === 'ready') return resolve();
    redis.on('ready', onReady);
    redis.on('error', onError);
  });
}
