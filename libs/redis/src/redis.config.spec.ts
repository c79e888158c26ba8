import { redisEnvironmentSchema, toRedisSettings } from './redis.config';

const settingsOf = (env: Record<string, string>) => toRedisSettings(redisEnvironmentSchema.parse(env));

describe(toRedisSettings.name, () => {
  it('talks to REDIS_URL directly and waits for no replica by default', () => {
    expect(settingsOf({})).toMatchObject({
      url: 'redis://127.0.0.1:6379',
      sentinel: null,
      confirmation: { replicas: 0 },
    });
  });

  it('goes through the sentinels when they are given', () => {
    const settings = settingsOf({
      REDIS_SENTINELS: 'sentinel-1:26379, sentinel-2:26379,sentinel-3:26379',
      REDIS_SENTINEL_NAME: 'tocsin-prod',
      REDIS_CONFIRM_REPLICAS: '1',
    });
    expect(settings.sentinel).toEqual({
      name: 'tocsin-prod',
      sentinels: [
        { host: 'sentinel-1', port: 26379 },
        { host: 'sentinel-2', port: 26379 },
        { host: 'sentinel-3', port: 26379 },
      ],
    });
    expect(settings.confirmation).toEqual({ replicas: 1, timeoutMs: 500 });
  });

  it('rejects a sentinel list that is not host:port pairs', () => {
    expect(redisEnvironmentSchema.safeParse({ REDIS_SENTINELS: 'sentinel-1' }).success).toBe(false);
  });
});
