import { RedisKeys, DedupeWindowStore, PartitionCheckpointStore, type CountedMention } from '@tocsin/redis';
import { TestRun } from '../support/test-infra';

const MENTIONS = 200_000;
const PER_BATCH = 500;
const WINDOW_MS = 180_000;
const INTERVAL_MS = 60_000;
/** 200k mentions over an hour and a bit: 20 dedupe windows, 70 intervals. */
const SPAN_MS = 70 * INTERVAL_MS;
/** The hour ends now: buckets expire on Redis's clock, so the simulated time must meet it. */
const START_MS = Date.now() - SPAN_MS;

async function countKeys(run: TestRun): Promise<number> {
  let keys = 0;
  let cursor = '0';
  do {
    const [next, found] = await run.redis.scan(cursor, 'MATCH', `${run.keyPrefix}*`, 'COUNT', 1000);
    keys += found.length;
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

describe('state bounded by windows, not by mentions, on real Redis', () => {
  const run = new TestRun();
  const keys = new RedisKeys(run.keyPrefix);

  afterAll(async () => {
    await run.cleanUp();
  });

  it('holds at most two dedupe buckets after 200k mentions, and still drops a copy within the window', async () => {
    const sut = new DedupeWindowStore(run.redis, keys, 'enrichment', WINDOW_MS);
    for (let first = 0; first < MENTIONS; first += PER_BATCH) {
      const nowMs = START_MS + Math.floor((first / MENTIONS) * SPAN_MS);
      const batch = Array.from({ length: PER_BATCH }, (_, i) => `mention:twitter:${first + i}`);
      const unseen = await sut.filterUnseen(batch, nowMs);
      expect(unseen).toHaveLength(PER_BATCH);
      await sut.markSeen(unseen, nowMs);
    }
    const buckets = await run.redis.keys(`${run.keyPrefix}dedupe:*`);
    expect(buckets.length).toBeGreaterThan(0);
    expect(buckets.length).toBeLessThanOrEqual(2);
    for (const key of buckets) expect(await run.redis.pttl(key)).toBeLessThanOrEqual(2 * WINDOW_MS);
    const lastMs = START_MS + SPAN_MS;
    expect(await sut.filterUnseen([`mention:twitter:${MENTIONS - 1}`, 'mention:twitter:new'], lastMs)).toEqual([
      'mention:twitter:new',
    ]);
  });

  it('keeps counted-mention sets of open intervals only after 200k mentions, and counts a copy once', async () => {
    const sut = new PartitionCheckpointStore<{ n: number }>(run.redis, keys, 'signals');
    const openIntervals = 3;
    let previous: number[] = [];
    for (let first = 0; first < MENTIONS; first += PER_BATCH) {
      const eventMs = START_MS + Math.floor((first / MENTIONS) * SPAN_MS);
      const currentStart = Math.floor(eventMs / INTERVAL_MS) * INTERVAL_MS;
      const counted: CountedMention[] = Array.from({ length: PER_BATCH }, (_, i) => ({
        brandId: 'voltaway',
        intervalStartMs: currentStart,
        mentionKey: `mention:twitter:${first + i}`,
      }));
      const open = [...new Set([...previous, currentStart])].filter(
        (startMs) => startMs > currentStart - openIntervals * INTERVAL_MS,
      );
      const closed = [...new Set([...previous, currentStart])]
        .filter((startMs) => !open.includes(startMs))
        .map((intervalStartMs) => ({ brandId: 'voltaway', intervalStartMs }));
      await sut.save(
        'mentions.enriched',
        0,
        { offset: String(first + PER_BATCH - 1), state: { n: first } },
        counted,
        closed,
      );
      previous = open;
    }
    expect(await countKeys(run)).toBeLessThanOrEqual(2 + 1 + openIntervals);
    const lastStart = previous[previous.length - 1] ?? 0;
    const uncounted = await sut.filterUncounted('mentions.enriched', 0, [
      { brandId: 'voltaway', intervalStartMs: lastStart, mentionKey: `mention:twitter:${MENTIONS - 1}` },
      { brandId: 'voltaway', intervalStartMs: lastStart, mentionKey: 'mention:twitter:new' },
    ]);
    expect([...uncounted]).toEqual([1]);
  });
});
