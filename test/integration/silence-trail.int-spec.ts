import { RedisKeys, SilenceStore } from '@tocsin/redis';
import { TestRun } from '../support/test-infra';

describe(SilenceStore.name, () => {
  const run = new TestRun();
  const sut = new SilenceStore(run.redis, new RedisKeys(run.keyPrefix));
  afterAll(() => run.cleanUp());

  const silence = (id: string, endsAtMs: number) => ({
    id,
    matchers: { brandId: 'fleurie' },
    startsAtMs: 1_000,
    endsAtMs,
    createdBy: 'sophie',
    createdAtMs: 1_000,
    reason: 'planned recall',
  });

  it('moves a silence that ran out to the expired trail instead of dropping it', async () => {
    await sut.put(silence('ran-out', 5_000));
    await sut.put(silence('still-on', 9_000));
    expect((await sut.listActive(6_000)).map((s) => s.id)).toEqual(['still-on']);
    expect(await sut.listExpired(10)).toEqual([silence('ran-out', 5_000)]);
  });

  it('ends a silence early with who ended it, newest ended first in the trail', async () => {
    const ended = await sut.end('still-on', 'sophie', 7_000);
    expect(ended).toMatchObject({ id: 'still-on', endsAtMs: 7_000, endedBy: 'sophie' });
    expect(await sut.listActive(7_500)).toEqual([]);
    expect((await sut.listExpired(10)).map((s) => s.id)).toEqual(['still-on', 'ran-out']);
    expect(await sut.end('still-on', 'sophie', 8_000)).toBeUndefined();
  });
});
