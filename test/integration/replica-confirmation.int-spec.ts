import { confirmOnReplicas, UnconfirmedWriteError } from '@tocsin/redis';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { REDIS_URL } from '../support/test-infra';

describe(confirmOnReplicas.name, () => {
  const prefix = `tocsin-test:${randomUUID().slice(0, 8)}:`;
  const redis = new Redis(REDIS_URL);

  afterAll(async () => {
    await redis.del(...['a', 'b', 'c'].map((key) => `${prefix}${key}`));
    await redis.quit();
  });

  it('does not wait when no replica is asked (the single dev server)', async () => {
    await redis.set(`${prefix}a`, '1');
    await expect(confirmOnReplicas(redis, { replicas: 0, timeoutMs: 0 }, 'write a')).resolves.toEqual({
      acknowledged: 0,
      degraded: false,
    });
  });

  it('counts the write as degraded when the replicas asked for are not there', async () => {
    await redis.set(`${prefix}b`, '1');
    const startedMs = Date.now();
    const acknowledgement = await confirmOnReplicas(redis, { replicas: 1, timeoutMs: 200 }, 'write b');
    expect(acknowledgement).toEqual({ acknowledged: 0, degraded: true });
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(150);
  });

  it('refuses to vouch for a write when the connection changed during the wait', async () => {
    await redis.set(`${prefix}c`, '1');
    const confirming = confirmOnReplicas(redis, { replicas: 1, timeoutMs: 1_000 }, 'write c');
    setTimeout(() => redis.disconnect(true), 50);
    await expect(confirming).rejects.toBeInstanceOf(UnconfirmedWriteError);
  });
});
