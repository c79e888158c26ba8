import type { INestApplicationContext } from '@nestjs/common';
import { triggerHitSchema } from '@tocsin/crisis-plan';
import { spikeSignalSchema, type Mention, type SpikeSignal } from '@tocsin/domain';
import { aMention } from '../support/mention-fixtures';
import { isPipelineCaughtUp, readWholeTopic, TestRun } from '../support/test-infra';
import { startPipeline } from '../support/tocsin-apps';
import { waitUntil } from '../support/wait-for';
import { RecordPublisher, toRawRecord } from '@tocsin/kafka';

const INTERVAL_MS = 5 * 60_000;
const HOUR_MS = 3_600_000;

/**
 * A steady, deterministic day and a bit for two brands: a day/night curve, one negative
 * mention in three intervals, nothing a detector should call unusual.
 */
function steadyStream(brand: 'fleurie' | 'voltaway', fromMs: number, toMs: number): Mention[] {
  const mentions: Mention[] = [];
  const name = brand === 'fleurie' ? 'Fleurie Cosmetics' : 'Voltaway';
  for (let t = fromMs, i = 0; t < toMs; t += INTERVAL_MS, i += 1) {
    const hour = new Date(t).getUTCHours();
    const perInterval = hour >= 7 && hour < 23 ? 4 : 2;
    for (let k = 0; k < perInterval; k += 1) {
      const negative = k === 0 && i % 3 === 0;
      mentions.push(
        aMention({
          text: negative ? `${name} m'a vraiment déçue, service nul 😠` : `J'adore ${name}, super expérience 😍`,
          createdAt: new Date(t + k * 20_000).toISOString(),
        }),
      );
    }
  }
  return mentions;
}

describe('pipeline spike signals on real Kafka and Redis', () => {
  const run = new TestRun();
  const env = run.env({ SIGNAL_INTERVAL_MS: String(INTERVAL_MS), SIGNAL_ALLOWED_LATENESS_MS: '60000' });
  const publisher = new RecordPublisher(run.kafka);
  let pipeline: INestApplicationContext | undefined;

  beforeAll(async () => {
    await run.createTopics();
    await publisher.connect();
  });

  afterAll(async () => {
    await pipeline?.close();
    await publisher.disconnect();
    await run.cleanUp();
  });

  /**
   * Keyed by mention, as ingest does: hours of event time sent at once spread over every
   * partition, and the brand windows wait for the slowest partition before closing an interval.
   */
  async function send(mentions: readonly Mention[]): Promise<void> {
    const records = mentions.map((mention) => toRawRecord(mention, new Date().toISOString()));
    for (let start = 0; start < records.length; start += 500) {
      await publisher.publish(run.topic('mentions.raw'), records.slice(start, start + 500));
    }
  }

  async function caughtUp(): Promise<void> {
    await waitUntil(
      'the pipeline to process every mention',
      async () => ((await isPipelineCaughtUp(run)) ? true : undefined),
      60_000,
    );
  }

  it('signals a negative burst for the bursting brand only, with state kept across a restart', async () => {
    const burstAtMs = Math.floor(Date.parse('2026-11-20T15:00:00Z') / INTERVAL_MS) * INTERVAL_MS;
    const startMs = burstAtMs - 30 * HOUR_MS;

    pipeline = await startPipeline(env);
    await send(steadyStream('fleurie', startMs, burstAtMs));
    await send(steadyStream('voltaway', startMs, burstAtMs));
    await caughtUp();
    // A new instance must resume from the checkpoint: a detector relearning from zero would be
    // warming up for six hours and stay silent on the burst below.
    await pipeline.close();
    pipeline = await startPipeline(env);

    const burst = Array.from({ length: 40 }, (_, i) =>
      aMention({
        text: 'Fleurie Cosmetics est une arnaque, remboursez-moi, honte à vous 😡',
        createdAt: new Date(burstAtMs + 60_000 + i * 5_000).toISOString(),
      }),
    );
    const after = burstAtMs + INTERVAL_MS;
    await send([...burst, ...steadyStream('fleurie', after, after + HOUR_MS)]);
    await send(steadyStream('voltaway', burstAtMs, after + HOUR_MS));
    await caughtUp();

    const published = (await readWholeTopic(run, run.topic('alerts.signals'), 60_000)).map(
      (message) => JSON.parse(message.value?.toString() ?? 'null') as unknown,
    );
    const signals = published.flatMap((value) => {
      const parsed = spikeSignalSchema.safeParse(value);
      return parsed.success ? [parsed.data] : [];
    });
    const alerting = (brandId: string): SpikeSignal[] => signals.filter((s) => s.brandId === brandId && s.alert);

    expect(signals.filter((s) => s.brandId === 'voltaway').length).toBeGreaterThan(300);
    expect(alerting('voltaway')).toEqual([]);
    const negativeSpike = alerting('fleurie').find((s) => s.metric === 'negativeVolume');
    expect(negativeSpike).toMatchObject({ intervalStart: new Date(burstAtMs).toISOString(), observed: 40 });
    expect(negativeSpike?.explanation).toMatch(/negativeVolume 40, expected/);
    // Days old: counted and learnt from, but no trigger pages anyone about it.
    expect(published.filter((value) => triggerHitSchema.safeParse(value).success)).toEqual([]);

    // The same words today do trip the crisis-vocabulary trigger.
    await send([aMention({ text: 'Fleurie Cosmetics est une arnaque, remboursez-moi 😡' })]);
    await caughtUp();
    const hits = (await readWholeTopic(run, run.topic('alerts.signals'), 60_000)).flatMap((message) => {
      const parsed = triggerHitSchema.safeParse(JSON.parse(message.value?.toString() ?? 'null'));
      return parsed.success ? [parsed.data] : [];
    });
    expect(hits.map((hit) => hit.triggerKind)).toContain('crisis-vocabulary');
  });
});
