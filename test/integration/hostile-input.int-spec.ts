import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { triggerHitSchema, type TriggerHit } from '@tocsin/crisis-plan';
import { brandSchema, compileBrandMatcher, spikeSignalSchema, type Mention, type SpikeSignal } from '@tocsin/domain';
import { DLQ_HEADERS, RecordPublisher } from '@tocsin/kafka';
import type { KafkaMessage } from 'kafkajs';
import { loadIngestConfig } from '../../apps/ingest/src/config';
import { createIngestApp } from '../../apps/ingest/src/ingest.app';
import { enrichMention } from '../../apps/pipeline/src/mention-enrichment';
import type { SignalsCheckpoint } from '../../apps/pipeline/src/signals.consumer';
import { aMention, toNdjson } from '../support/mention-fixtures';
import { isPipelineCaughtUp, readWholeTopic, TestRun } from '../support/test-infra';
import { createIngestKey, postMentions, startPipeline, type IngestEndpoint } from '../support/tocsin-apps';
import { waitUntil } from '../support/wait-for';

const DAY_MS = 86_400_000;
const INTERVAL_MS = 1_000;
const FUTURE = {
  'year 9999': '9999-12-31T23:59:59Z',
  '+2 days': new Date(Date.now() + 2 * DAY_MS).toISOString(),
  '+30 days': new Date(Date.now() + 30 * DAY_MS).toISOString(),
};
const matchers = [
  compileBrandMatcher(brandSchema.parse({ id: 'fleurie', name: 'Fleurie', keywords: ['fleurie cosmetics'] })),
  compileBrandMatcher(brandSchema.parse({ id: 'voltaway', name: 'Voltaway', keywords: ['voltaway'] })),
];

function parsed<T>(messages: readonly KafkaMessage[], parse: (value: unknown) => T | undefined): T[] {
  return messages.flatMap((message) => {
    const value = parse(JSON.parse(message.value?.toString() ?? 'null') as unknown);
    return value === undefined ? [] : [value];
  });
}

const asSignal = (value: unknown): SpikeSignal | undefined => {
  const result = spikeSignalSchema.safeParse(value);
  return result.success ? result.data : undefined;
};
const asHit = (value: unknown): TriggerHit | undefined => {
  const result = triggerHitSchema.safeParse(value);
  return result.success ? result.data : undefined;
};

/**
 * Hostile event times and brands on real Kafka and Redis: what ingest refuses, and what the
 * pipeline does with the same records written straight to its topics by something else.
 */
describe('hostile event times and brands', () => {
  const run = new TestRun();
  const env = run.env({
    SIGNAL_INTERVAL_MS: String(INTERVAL_MS),
    SIGNAL_ALLOWED_LATENESS_MS: String(INTERVAL_MS),
  });
  const publisher = new RecordPublisher(run.kafka);
  let ingest: INestApplication | undefined;
  let ingestAt: IngestEndpoint = { url: '', key: '' };
  let pipeline: INestApplicationContext | undefined;

  beforeAll(async () => {
    await run.createTopics();
    await publisher.connect();
    ingest = await createIngestApp(loadIngestConfig(env));
    await ingest.listen(0, '127.0.0.1');
    ingestAt = {
      url: `http://127.0.0.1:${(ingest.getHttpServer().address() as AddressInfo).port}`,
      key: await createIngestKey(env),
    };
    pipeline = await startPipeline(env);
  });

  afterAll(async () => {
    await pipeline?.close();
    await ingest?.close();
    await publisher.disconnect();
    await run.cleanUp();
  });

  async function caughtUp(): Promise<void> {
    await waitUntil(
      'the pipeline to process every record',
      async () => ((await isPipelineCaughtUp(run)) ? true : undefined),
      60_000,
    );
  }

  let lastTrafficEndMs = 0;

  /**
   * Fresh mentions of both brands through ingest, from 4 s ago to 2 s ahead, and one crisis
   * mention each. It starts after the last traffic's end, so every interval and hit since
   * `sinceIso` comes from this traffic.
   */
  async function sendFreshTraffic(): Promise<{ sinceIso: string; crisisKeys: string[] }> {
    await waitUntil(
      'the last traffic to be behind the clock',
      async () => (Date.now() - 4_000 > lastTrafficEndMs + INTERVAL_MS ? true : undefined),
      15_000,
    );
    const startMs = Date.now() - 4_000;
    const mentions: Mention[] = [];
    for (let second = 0; second <= 6; second += 1) {
      const createdAt = new Date(startMs + second * 1_000).toISOString();
      mentions.push(aMention({ text: 'Fleurie Cosmetics, colis reçu', createdAt }));
      mentions.push(aMention({ text: 'Voltaway scooter ride this morning', createdAt }));
    }
    lastTrafficEndMs = startMs + 6_000;
    const crises = [
      aMention({ text: 'Fleurie Cosmetics est une arnaque, remboursez-moi 😡' }),
      aMention({ text: 'Voltaway est une arnaque, honte à vous 😡' }),
    ];
    const answer = await postMentions(ingestAt, toNdjson([...mentions, ...crises]), 'application/x-ndjson');
    expect(answer).toMatchObject({ status: 202, json: { accepted: mentions.length + 2, rejected: 0 } });
    return {
      sinceIso: new Date(startMs - (startMs % INTERVAL_MS)).toISOString(),
      crisisKeys: crises.map((mention) => `twitter:${mention.id}`),
    };
  }

  async function checkpoints(): Promise<Array<{ bytes: number; state: SignalsCheckpoint }>> {
    const keys = await run.redis.keys(`${run.keyPrefix}checkpoint:${run.id}-pipeline-signals:*`);
    const raws = keys.length === 0 ? [] : await run.redis.mget(...keys);
    return raws.flatMap((raw) =>
      raw === null ? [] : [{ bytes: raw.length, state: (JSON.parse(raw) as { state: SignalsCheckpoint }).state }],
    );
  }

  /** Both brands still get verdicts on the traffic's intervals and hits on its crisis mentions. */
  async function expectBothBrandsAlerting(traffic: {
    sinceIso: string;
    crisisKeys: string[];
  }): Promise<KafkaMessage[]> {
    const { sinceIso, crisisKeys } = traffic;
    await caughtUp();
    // An interval closes once every partition of mentions.raw is past it: idle partitions say so
    // within a second of the groups catching up.
    const closedFor = (signals: readonly SpikeSignal[], brandId: string): boolean =>
      signals.filter(
        (signal) =>
          signal.brandId === brandId &&
          signal.metric === 'volume' &&
          signal.intervalStart >= sinceIso &&
          signal.observed > 0,
      ).length >= 3;
    const published = await waitUntil(
      'both brands to close three intervals of the traffic',
      async () => {
        const messages = await readWholeTopic(run, run.topic('alerts.signals'), 60_000);
        const signals = parsed(messages, asSignal);
        return closedFor(signals, 'fleurie') && closedFor(signals, 'voltaway') ? messages : undefined;
      },
      30_000,
    ).catch(() => readWholeTopic(run, run.topic('alerts.signals'), 60_000));
    const signals = parsed(published, asSignal);
    const hits = parsed(published, asHit);
    for (const brandId of ['fleurie', 'voltaway']) {
      expect({ brandId, closed: closedFor(signals, brandId) }).toEqual({ brandId, closed: true });
    }
    const crisisHits = hits.filter(
      (hit) => hit.triggerId === 'crisis-words' && crisisKeys.includes(hit.evidence.mentionKey ?? ''),
    );
    expect(new Set(crisisHits.map((hit) => hit.brandId))).toEqual(new Set(['fleurie', 'voltaway']));
    return published;
  }

  it('refuses future-dated mentions at ingest, naming createdAt and the allowance', async () => {
    const mentions = Object.values(FUTURE).map((createdAt) => aMention({ createdAt }));
    const answer = await postMentions(ingestAt, JSON.stringify(mentions), 'application/json');
    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({ accepted: 0, rejected: 3 });
    const errors = (answer.json as { errors: Array<{ field: string; message: string }> }).errors;
    expect(errors.map((error) => error.field)).toEqual(['createdAt', 'createdAt', 'createdAt']);
    for (const error of errors) expect(error.message).toMatch(/ahead of the clock.*MAX_CLOCK_SKEW_MS = 300000 ms/);
  });

  it('dead-letters future-dated records written straight to its topics; both brands keep alerting, bounded', async () => {
    const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
    const future = Object.values(FUTURE).map((createdAt) =>
      aMention({ text: 'Fleurie Cosmetics est une arnaque 😡', createdAt }),
    );
    await publisher.publish(
      run.topic('mentions.raw'),
      future.map((mention) => ({ key: 'brand:fleurie', value: JSON.stringify(mention) })),
    );
    await publisher.publish(
      run.topic('mentions.enriched'),
      future.map((mention) => ({
        key: 'brand:fleurie',
        value: JSON.stringify(
          enrichMention({ ...mention, id: `${mention.id}-enriched` }, matchers, mention.createdAt).mention,
        ),
      })),
    );
    const published = await expectBothBrandsAlerting(await sendFreshTraffic());

    const dead = await readWholeTopic(run, run.topic('mentions.dlq'), 30_000);
    const reasons = dead.map((message) => message.headers?.[DLQ_HEADERS.reason]?.toString() ?? '');
    expect(reasons).toHaveLength(6);
    for (const reason of reasons) expect(reason).toMatch(/^createdAt .* ahead of the clock/);
    expect(new Set(dead.map((message) => message.headers?.[DLQ_HEADERS.sourceTopic]?.toString()))).toEqual(
      new Set([run.topic('mentions.raw'), run.topic('mentions.enriched')]),
    );

    // Bounded: seconds of live traffic, not the 172,796 records a +30-day watermark wrote.
    expect(published.length).toBeLessThan(2_000);
    for (const { bytes, state } of await checkpoints()) {
      expect(bytes).toBeLessThan(64 * 1024);
      expect(state.maxEventTimeMs).toBeLessThan(Date.now() + 300_000);
    }
    expect(process.memoryUsage().rss / 2 ** 20 - rssBeforeMb).toBeLessThan(256);

    // A restart resumes from the checkpoint and does not freeze on anything it kept.
    await pipeline?.close();
    pipeline = await startPipeline(env);
    await expectBothBrandsAlerting(await sendFreshTraffic());
  });

  it('recovers a brand whose checkpoint a future-dated record poisoned before it was refused', async () => {
    const poisonedMs = Date.parse(FUTURE['year 9999']);
    const keys = await run.redis.keys(`${run.keyPrefix}checkpoint:${run.id}-pipeline-signals:*`);
    let poisoned = 0;
    for (const key of keys) {
      const stored = JSON.parse((await run.redis.get(key)) ?? '{}') as { offset: string; state: SignalsCheckpoint };
      const fleurie = stored.state.brands.fleurie;
      if (!fleurie) continue;
      stored.state.maxEventTimeMs = poisonedMs;
      stored.state.brands.fleurie = { ...fleurie, maxEventTimeMs: poisonedMs, closedUntilMs: poisonedMs - 60_000 };
      await run.redis.set(key, JSON.stringify(stored));
      poisoned += 1;
    }
    expect(poisoned).toBe(1);
    // A new instance reads the poisoned checkpoint, as after an upgrade.
    await pipeline?.close();
    pipeline = await startPipeline(env);
    await expectBothBrandsAlerting(await sendFreshTraffic());
  });

  it('keeps window state for the plan brands only, whatever brand ids arrive', async () => {
    const invented = Array.from({ length: 64 }, (_, i) => `invented-${i}`);
    const mentions = Array.from({ length: 300 }, (_, i) =>
      aMention({ text: `Voltaway ride number ${i}`, brandIds: invented }),
    );
    const answer = await postMentions(ingestAt, toNdjson(mentions), 'application/x-ndjson');
    expect(answer).toMatchObject({ status: 202, json: { accepted: 0, rejected: 300 } });
    const errors = (answer.json as { errors: Array<{ field: string; message: string }> }).errors;
    expect(errors).toHaveLength(300);
    expect(errors[0]).toMatchObject({ field: 'brandIds', message: expect.stringMatching(/and 59 more/) as string });

    // The same written straight to the topics: ids dropped at enrichment, records skipped by signals.
    await publisher.publish(
      run.topic('mentions.raw'),
      mentions.map((mention) => ({ key: `brand:${invented[0]}`, value: JSON.stringify(mention) })),
    );
    await publisher.publish(
      run.topic('mentions.enriched'),
      mentions.flatMap((mention) =>
        invented.map((brandId) => ({
          key: `brand:${brandId}`,
          value: JSON.stringify({
            ...enrichMention(mention, matchers, mention.createdAt).mention,
            brandIds: [brandId],
          }),
        })),
      ),
    );
    await expectBothBrandsAlerting(await sendFreshTraffic());

    const saved = await checkpoints();
    expect(saved.length).toBeGreaterThan(0);
    for (const { bytes, state } of saved) {
      expect(Object.keys(state.brands).every((brandId) => brandId === 'fleurie' || brandId === 'voltaway')).toBe(true);
      expect(bytes).toBeLessThan(64 * 1024);
    }
  });
});
