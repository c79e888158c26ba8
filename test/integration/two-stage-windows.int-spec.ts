import type { INestApplicationContext } from '@nestjs/common';
import { spikeSignalSchema, windowTallySchema, type Mention, type SpikeSignal } from '@tocsin/domain';
import { RecordPublisher, toRawRecord } from '@tocsin/kafka';
import { join, resolve } from 'node:path';
import { AppProcess } from '../support/app-process';
import { aMention } from '../support/mention-fixtures';
import { isGroupCaughtUp, isPipelineCaughtUp, readWholeTopic, TestRun } from '../support/test-infra';
import { startPipeline } from '../support/tocsin-apps';
import { waitUntil } from '../support/wait-for';

const INTERVAL_MS = 60_000;
const LOGS = resolve(__dirname, '../../.tocsin/logs/two-stage-windows');

/**
 * One hot brand: `perInterval` mentions of Voltaway in each of `intervals` one-minute intervals
 * three hours ago, then a few a quarter of an hour later, which move its event time past them.
 */
function hotBrand(intervals: number, perInterval: number): { mentions: Mention[]; startMs: number } {
  const startMs = Math.floor((Date.now() - 3 * 3_600_000) / INTERVAL_MS) * INTERVAL_MS;
  const mentions: Mention[] = [];
  for (let interval = 0; interval < intervals; interval += 1) {
    for (let i = 0; i < perInterval; i += 1) {
      const createdAt = new Date(startMs + interval * INTERVAL_MS + Math.floor((i * INTERVAL_MS) / perInterval));
      mentions.push(aMention({ text: `Voltaway ride number ${i}`, createdAt: createdAt.toISOString() }));
    }
  }
  for (let i = 0; i < 12; i += 1) {
    const createdAt = new Date(startMs + (intervals + 15) * INTERVAL_MS + i * 1_000).toISOString();
    mentions.push(aMention({ text: 'Voltaway again', createdAt }));
  }
  return { mentions, startMs };
}

async function volumesOf(run: TestRun, brandId: string): Promise<Map<string, number>> {
  const signals = (await readWholeTopic(run, run.topic('alerts.signals'), 60_000)).flatMap((message) => {
    const parsed = spikeSignalSchema.safeParse(JSON.parse(message.value?.toString() ?? 'null'));
    return parsed.success ? [parsed.data] : [];
  });
  return new Map(
    signals
      .filter((signal: SpikeSignal) => signal.brandId === brandId && signal.metric === 'volume')
      .map((signal) => [signal.intervalStart, signal.observed]),
  );
}

/** The hot brand's volumes once its interval starting at `lastStartMs` has closed. */
function closedVolumes(run: TestRun, lastStartMs: number): Promise<Map<string, number>> {
  return waitUntil(
    'the hot brand intervals to close',
    async () => {
      const found = await volumesOf(run, 'voltaway');
      return found.has(new Date(lastStartMs).toISOString()) ? found : undefined;
    },
    30_000,
  );
}

async function recordsPerPartition(run: TestRun, topic: string): Promise<number[]> {
  const admin = run.kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(run.topic(topic));
    return ends.sort((a, b) => a.partition - b.partition).map((end) => Number(end.high) - Number(end.low));
  } finally {
    await admin.disconnect();
  }
}

async function send(publisher: RecordPublisher, run: TestRun, mentions: readonly Mention[]): Promise<void> {
  const receivedAt = new Date().toISOString();
  const records = mentions.map((mention) => toRawRecord(mention, receivedAt));
  for (let first = 0; first < records.length; first += 1_000) {
    await publisher.publish(run.topic('mentions.raw'), records.slice(first, first + 1_000));
  }
}

function expectExactVolumes(volumes: Map<string, number>, startMs: number, intervals: number, perInterval: number) {
  const expected = Array.from({ length: intervals }, (_, i) => [
    new Date(startMs + i * INTERVAL_MS).toISOString(),
    perInterval,
  ]);
  expect(expected.map(([intervalStart]) => [intervalStart, volumes.get(String(intervalStart))])).toEqual(expected);
}

describe('two-stage brand windows on real Kafka and Redis', () => {
  const run = new TestRun();
  const env = run.env({ SIGNAL_INTERVAL_MS: String(INTERVAL_MS), SIGNAL_ALLOWED_LATENESS_MS: String(INTERVAL_MS) });
  const publisher = new RecordPublisher(run.kafka);

  beforeAll(async () => {
    await run.createTopics();
    await publisher.connect();
  });

  afterAll(async () => {
    await publisher.disconnect();
    await run.cleanUp();
  });

  it('spreads a hot brand over every partition and two instances, and counts it exactly', async () => {
    const { mentions, startMs } = hotBrand(8, 500);
    await send(publisher, run, mentions);
    const perPartition = await recordsPerPartition(run, 'mentions.raw');
    expect(perPartition).toHaveLength(6);
    // Keyed by mention: no partition carries much more than its sixth (680 of 4,012).
    for (const records of perPartition) expect(records).toBeGreaterThan(400);
    for (const records of perPartition) expect(records).toBeLessThan(1_000);

    const instances: INestApplicationContext[] = [];
    try {
      instances.push(await startPipeline(env), await startPipeline(env));
      await waitUntil(
        'the pipeline to count the hot brand',
        async () => ((await isPipelineCaughtUp(run)) ? true : undefined),
        120_000,
      );
      const volumes = await closedVolumes(run, startMs + 7 * INTERVAL_MS);
      expectExactVolumes(volumes, startMs, 8, 500);
      // Each of the six partitions told the brand's windows its partial counts.
      const tallies = (await readWholeTopic(run, run.topic('mentions.tallies'), 60_000)).flatMap((message) => {
        const parsed = windowTallySchema.safeParse(JSON.parse(message.value?.toString() ?? 'null'));
        return parsed.success && parsed.data.brandId === 'voltaway' && parsed.data.intervals.length > 0
          ? [parsed.data]
          : [];
      });
      expect(new Set(tallies.map((tally) => tally.sourcePartition))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    } finally {
      for (const instance of instances) await instance.close();
    }
  });

  it('counts a hot brand exactly when the pipeline is killed in the middle of its batches and replays them', async () => {
    const crashRun = new TestRun();
    const crashPublisher = new RecordPublisher(crashRun.kafka);
    const crashEnv = crashRun.env({
      SIGNAL_INTERVAL_MS: String(INTERVAL_MS),
      SIGNAL_ALLOWED_LATENESS_MS: String(INTERVAL_MS),
      LOG_LEVEL: 'log',
    });
    const pipeline = new AppProcess('pipeline', 'pipeline', crashEnv, join(LOGS, `${crashRun.id}-pipeline.log`));
    await crashRun.createTopics();
    await crashPublisher.connect();
    try {
      const intervals = 10;
      const perInterval = 2_000;
      const { mentions, startMs } = hotBrand(intervals, perInterval);
      await send(crashPublisher, crashRun, mentions);
      pipeline.start();
      const rawTopic = crashRun.topic('mentions.raw');
      const total = mentions.length;
      // Killed three times as the enrichment stage commits the backlog: batches are in flight,
      // some with their tallies written to the checkpoint or published and not yet committed.
      for (const share of [0.15, 0.4, 0.65]) {
        await waitUntil(
          `the enrichment stage to commit ${share * 100} % of the backlog`,
          async () => {
            const admin = crashRun.kafka.admin();
            await admin.connect();
            try {
              const [committed] = await admin.fetchOffsets({
                groupId: `${crashRun.id}-pipeline-enrichment`,
                topics: [rawTopic],
              });
              const done = (committed?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
              return done > total * share ? true : undefined;
            } finally {
              await admin.disconnect();
            }
          },
          120_000,
        );
        await pipeline.crashAndRestart(500);
      }
      await waitUntil(
        'the restarted pipeline to count everything',
        async () => ((await isPipelineCaughtUp(crashRun)) ? true : undefined),
        180_000,
      );
      const volumes = await closedVolumes(crashRun, startMs + (intervals - 1) * INTERVAL_MS);
      expectExactVolumes(volumes, startMs, intervals, perInterval);
      expect(await isGroupCaughtUp(crashRun.kafka, `${crashRun.id}-pipeline-enrichment`, rawTopic)).toBe(true);

      // Bounded by partitions and windows, not by the 20,012 mentions: two dedupe buckets and one
      // checkpoint per partition of each stage's input topic.
      const keys = await crashRun.redis.keys(`${crashRun.keyPrefix}*`);
      const pipelineKeys = keys.filter((key) => !key.includes(':ingest-key'));
      expect(pipelineKeys.length).toBeLessThanOrEqual(2 + 6 + 6 + 6);
    } finally {
      await pipeline.stop();
      await crashPublisher.disconnect();
      await crashRun.cleanUp();
    }
  });
});
