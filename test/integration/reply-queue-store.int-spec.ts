import { RedisKeys, ReplyQueueStore, MAX_REPLY_ENTRIES_PER_BRAND } from '@tocsin/redis';
import { closeByHand, type ReplyEntry } from '@tocsin/reply-queue';
import { TestRun } from '../support/test-infra';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-23T10:00:00Z');

function entry(id: string, postedAtMs: number, overrides: Partial<ReplyEntry> = {}): ReplyEntry {
  return {
    mentionKey: `bluesky:at://a/p/${id}`,
    brandId: 'fleurie',
    platform: 'bluesky',
    mentionId: `at://a/p/${id}`,
    threadId: 'at://a/p/root',
    text: 'Fleurie Cosmetics, never again',
    author: { handle: 'jane.bsky.social', followers: 10, verified: false },
    lang: 'en',
    sentimentScore: -0.7,
    level: 'watch',
    postedAtMs,
    queuedAtMs: postedAtMs,
    dueAtMs: postedAtMs + 2 * HOUR,
    state: 'waiting',
    ...overrides,
  };
}

describe(ReplyQueueStore.name, () => {
  const run = new TestRun();
  const sut = new ReplyQueueStore(run.redis, new RedisKeys(run.keyPrefix));

  afterAll(() => run.cleanUp());

  it('adds an entry once, findable by its id and its thread, and expiring with the horizon', async () => {
    const first = entry('1', T0);
    expect(await sut.add(first, 24 * HOUR, T0 + 1_000, first.dueAtMs)).toBe(true);
    expect(await sut.add(first, 24 * HOUR, T0 + 2_000, first.dueAtMs)).toBe(false);

    const byThread = await sut.findWaiting('fleurie', ['bluesky:at://a/p/root']);
    expect(byThread.map((stored) => stored.entry.mentionKey)).toEqual([first.mentionKey]);
    expect(await sut.findWaiting('voltaway', ['bluesky:at://a/p/root'])).toEqual([]);
    const ttlMs = await run.redis.pttl(`${run.keyPrefix}reply-queue:entry:fleurie|${first.mentionKey}`);
    expect(ttlMs).toBeGreaterThan(24 * HOUR - 60_000);
    expect(ttlMs).toBeLessThanOrEqual(24 * HOUR - 1_000);
  });

  it('refuses a change made on a stale read, so two closers cannot overwrite each other', async () => {
    const stored = await sut.get('fleurie', entry('1', T0).mentionKey);
    if (!stored) throw new Error('expected the entry');
    const byAna = closeByHand(stored.entry, 'handled', 'ana', undefined, T0 + 5_000);
    const byBen = closeByHand(stored.entry, 'not-to-answer', 'ben', 'spam', T0 + 6_000);
    if (!byAna.ok || !byBen.ok) throw new Error('expected both to apply on the same read');
    expect(await sut.replace(stored, byAna.entry, 24 * HOUR, T0 + 5_000)).toBe(true);
    expect(await sut.replace(stored, byBen.entry, 24 * HOUR, T0 + 6_000)).toBe(false);

    const { waiting, closed } = await sut.list('fleurie');
    expect(waiting).toEqual([]);
    expect(closed).toEqual([expect.objectContaining({ state: 'handled', closedBy: 'ana' })]);
    expect(await run.redis.zcard(sut.overdue.key)).toBe(0);
  });

  it('keeps each brand index within the horizon and the cap', async () => {
    const brandId = 'voltaway';
    const old = entry('old', T0 - 30 * HOUR, { brandId });
    expect(await sut.add(old, 48 * HOUR, T0)).toBe(true);
    // Written with a one-day horizon a day and a half later: the old entry falls out of the index.
    expect(await sut.add(entry('new', T0 + 6 * HOUR, { brandId }), 24 * HOUR, T0 + 6 * HOUR)).toBe(true);
    expect((await sut.list(brandId)).waiting.map((e) => e.mentionId)).toEqual(['at://a/p/new']);

    const pipeline = run.redis.pipeline();
    for (let i = 0; i < MAX_REPLY_ENTRIES_PER_BRAND + 10; i += 1) {
      pipeline.zadd(`${run.keyPrefix}reply-queue:waiting:${brandId}`, T0 + i, `filler-${i}`);
    }
    await pipeline.exec();
    await sut.add(entry('last', T0 + 7 * HOUR, { brandId }), 24 * HOUR, T0 + 7 * HOUR);
    expect(await run.redis.zcard(`${run.keyPrefix}reply-queue:waiting:${brandId}`)).toBe(MAX_REPLY_ENTRIES_PER_BRAND);
  });

  it('hands a due overdue check to one claimer, and drops checks whose entry expired', async () => {
    const due = entry('due', T0, { brandId: 'acme' });
    await sut.add(due, 24 * HOUR, T0, due.dueAtMs);
    await run.redis.zadd(sut.overdue.key, T0, 'acme|bluesky:at://a/p/gone');
    const claimed = await sut.claimOverdue(due.dueAtMs, 5_000, 10);
    expect(claimed.map((stored) => stored.entry.mentionKey)).toEqual([due.mentionKey]);
    expect(await sut.claimOverdue(due.dueAtMs + 1_000, 5_000, 10)).toEqual([]);
    expect(await run.redis.zscore(sut.overdue.key, 'acme|bluesky:at://a/p/gone')).toBeNull();
  });
});
