import type { INestApplicationContext } from '@nestjs/common';
import { spikeSignalSchema, type SpikeSignal, type WindowTally } from '@tocsin/domain';
import { RecordPublisher } from '@tocsin/kafka';
import { RedisKeys, DedupeWindowStore } from '@tocsin/redis';
import { toTallyRecord } from '../../apps/pipeline/src/enrichment.consumer';
import { readWholeTopic, TestRun } from '../support/test-infra';
import { startPipeline } from '../support/tocsin-apps';
import { waitUntil } from '../support/wait-for';

const MENTIONS = 200_000;
const PER_BATCH = 500;
const WINDOW_MS = 180_000;
const INTERVAL_MS = 60_000;
/** 200k mentions over an hour and a bit: 20 dedupe windows, 70 intervals. */
const SPAN_MS = 70 * INTERVAL_MS;
/** The hour ends now: buckets expire on Redis's clock, so the simulated time must meet it. */
const START_MS = Date.now() - SPAN_MS;

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

  it('counts a copy of a tally once', async () => {
    const intervalMs = 60_000;
    const env = run.env({ SIGNAL_INTERVAL_MS: String(intervalMs), SIGNAL_ALLOWED_LATENESS_MS: String(intervalMs) });
    const publisher = new RecordPublisher(run.kafka);
    let pipeline: INestApplicationContext | undefined;
    await run.createTopics();
    await publisher.connect();
    try {
      pipeline = await startPipeline(env);
      // Hours ago, so the brand's own mentions move its watermark, not the clock.
      const intervalStartMs = Math.floor((Date.now() - 5 * 3_600_000) / intervalMs) * intervalMs;
      const tally = (partition: number, throughOffset: string, volume: number, eventTimeMs: number): WindowTally => ({
        brandId: 'fleurie',
        sourcePartition: partition,
        sourcePartitions: 6,
        throughOffset,
        eventTimeMs,
        deliveredAtMs: Date.now(),
        caughtUpAtMs: null,
        intervals: volume === 0 ? [] : [{ startMs: intervalStartMs, volume, negativeVolume: 0, reachNegative: 0 }],
      });
      const counted = tally(0, '29', 30, intervalStartMs + 1_000);
      // The same offsets three times: what the enrichment stage publishes again when an operator moves its offsets back.
      await publisher.publish(run.topic('mentions.tallies'), [counted, counted].map(toTallyRecord));
      await publisher.publish(run.topic('mentions.tallies'), [toTallyRecord(counted)]);
      // Every partition then says it is past the interval.
      await publisher.publish(
        run.topic('mentions.tallies'),
        [0, 1, 2, 3, 4, 5].map((partition) =>
          toTallyRecord(tally(partition, '40', 0, intervalStartMs + 5 * intervalMs)),
        ),
      );
      const volume = await waitUntil(
        'the interval to close',
        async () => {
          const signals = (await readWholeTopic(run, run.topic('alerts.signals'), 60_000)).flatMap((message) => {
            const parsed = spikeSignalSchema.safeParse(JSON.parse(message.value?.toString() ?? 'null'));
            return parsed.success ? [parsed.data] : [];
          });
          return signals.find(
            (signal: SpikeSignal) =>
              signal.metric === 'volume' && signal.intervalStart === new Date(intervalStartMs).toISOString(),
          );
        },
        60_000,
      );
      expect(volume.observed).toBe(30);
    } finally {
      await pipeline?.close();
      await publisher.disconnect();
    }
  });
});
