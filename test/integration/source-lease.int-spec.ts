import { RedisKeys } from '@tocsin/redis';
import { SourceLeaseStore } from '../../apps/collector/src/source-lease.store';
import { TestRun } from '../support/test-infra';

describe(SourceLeaseStore.name, () => {
  const run = new TestRun();
  const sut = new SourceLeaseStore(run.redis, new RedisKeys(run.keyPrefix));

  afterAll(() => run.cleanUp());

  it('gives a free source to one collector only, until it releases it', async () => {
    expect(await sut.acquire('news', 'alpha', 5_000)).toBe(true);
    expect(await sut.acquire('news', 'beta', 5_000)).toBe(false);
    expect(await sut.holder('news')).toBe('alpha');
    await sut.release('news', 'beta');
    expect(await sut.holder('news')).toBe('alpha');
    await sut.release('news', 'alpha');
    expect(await sut.acquire('news', 'beta', 5_000)).toBe(true);
  });

  it('lets only the holder renew, and lets a lapsed lease be taken', async () => {
    expect(await sut.acquire('bluesky', 'alpha', 200)).toBe(true);
    expect(await sut.renew('bluesky', 'beta', 5_000)).toBe(false);
    expect(await sut.renew('bluesky', 'alpha', 200)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await sut.acquire('bluesky', 'beta', 5_000)).toBe(true);
    expect(await sut.renew('bluesky', 'alpha', 5_000)).toBe(false);
  });

  it('writes a checkpoint only for the holder of the lease', async () => {
    await sut.acquire('mastodon', 'alpha', 5_000);
    expect(await sut.saveCheckpoint('mastodon', 'alpha', '{"position":{"lastId":"7"}}')).toBe(true);
    expect(await sut.saveCheckpoint('mastodon', 'beta', '{"position":{"lastId":"3"}}')).toBe(false);
    expect(await sut.loadCheckpoint('mastodon')).toBe('{"position":{"lastId":"7"}}');
  });

  it('counts the live collectors, forgetting one whose heartbeat lapsed or that left', async () => {
    const now = Date.now();
    expect(await sut.heartbeat('alpha', now, 1_000)).toBe(1);
    expect(await sut.heartbeat('beta', now, 1_000)).toBe(2);
    expect(await sut.heartbeat('gamma', now + 1_500, 1_000)).toBe(1);
    await sut.leave('gamma');
    expect(await sut.heartbeat('alpha', now + 1_600, 1_000)).toBe(1);
  });
});
