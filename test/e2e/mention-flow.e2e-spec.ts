import { DLQ_HEADERS } from '@tocsin/kafka';
import type { EnrichedMention } from '@tocsin/domain';
import type { Socket } from 'socket.io-client';
import { aMention, toNdjson } from '../support/mention-fixtures';
import { signInNewAccount } from '../support/sessions';
import { TestRun } from '../support/test-infra';
import { connectSocket, postMentions, startTocsin, type RunningTocsin } from '../support/tocsin-apps';
import { recordEvents, waitForEvent } from '../support/wait-for';

describe('mention flow: ingest → pipeline → gateway', () => {
  const run = new TestRun();
  let tocsin: RunningTocsin;
  let fleurieWall: Socket;
  let voltawayWall: Socket;

  beforeAll(async () => {
    await run.createTopics();
    tocsin = await startTocsin(run.env());
    const viewer = await signInNewAccount(run, tocsin.gatewayUrl, {
      username: 'wall',
      personId: 'camille',
      role: 'viewer',
      brandIds: ['fleurie', 'voltaway'],
    });
    fleurieWall = await connectSocket(tocsin.gatewayUrl, viewer);
    voltawayWall = await connectSocket(tocsin.gatewayUrl, viewer);
    await expect(fleurieWall.emitWithAck('subscribe', { brandIds: ['fleurie'] })).resolves.toMatchObject({ ok: true });
    await expect(voltawayWall.emitWithAck('subscribe', { brandIds: ['voltaway'] })).resolves.toMatchObject({
      ok: true,
    });
  });

  afterAll(async () => {
    fleurieWall?.disconnect();
    voltawayWall?.disconnect();
    await tocsin?.stop();
    await run.cleanUp();
  });

  it('delivers mentions enriched to the room of their brand only', async () => {
    const voltawaySeen = recordEvents<EnrichedMention>(voltawayWall, 'mention.created');
    const angry = aMention({
      text: "Fleurie Cosmetics c'est une arnaque, je suis vraiment déçue 😡",
      lang: undefined,
      country: 'FR',
    });
    const happy = aMention({ text: 'I love my new @fleurie_off serum, my skin looks amazing! 😍' });
    const voltaway = aMention({ text: 'Took a Voltaway scooter to work today' });

    const answer = await postMentions(tocsin.ingest, toNdjson([angry, happy]), 'application/x-ndjson');
    expect(answer).toEqual({ status: 202, json: { accepted: 2, rejected: 0, errors: [] } });

    const [gotAngry, gotHappy] = await Promise.all([
      waitForEvent<EnrichedMention>(fleurieWall, 'mention.created', (m) => m.id === angry.id, 20_000),
      waitForEvent<EnrichedMention>(fleurieWall, 'mention.created', (m) => m.id === happy.id, 20_000),
    ]);
    expect(gotAngry).toMatchObject({ lang: 'fr', brandIds: ['fleurie'], sentiment: { label: 'negative' } });
    expect(gotHappy).toMatchObject({ lang: 'en', brandIds: ['fleurie'], sentiment: { label: 'positive' } });
    expect(gotAngry.sentiment.cues.length).toBeGreaterThan(0);

    await postMentions(tocsin.ingest, JSON.stringify(voltaway), 'application/json');
    await waitForEvent<EnrichedMention>(voltawayWall, 'mention.created', (m) => m.id === voltaway.id, 20_000);
    expect(voltawaySeen.map((m) => m.id)).toEqual([voltaway.id]);
  });

  it('keeps a backfilled mention off the live wall', async () => {
    const seen = recordEvents<EnrichedMention>(fleurieWall, 'mention.created');
    const backfilled = aMention({
      text: 'Fleurie Cosmetics, commande reçue il y a deux jours',
      createdAt: new Date(Date.now() - 2 * 24 * 3_600_000).toISOString(),
    });
    const live = aMention({ text: 'Fleurie Cosmetics, commande reçue ce matin' });
    // Same brand, same partition: once the live one is on the wall, the old one has been handled.
    await postMentions(tocsin.ingest, toNdjson([backfilled, live]), 'application/x-ndjson');
    await waitForEvent<EnrichedMention>(fleurieWall, 'mention.created', (m) => m.id === live.id, 20_000);
    expect(seen.map((m) => m.id)).toEqual([live.id]);
  });

  it('reports ingest and gateway ready on /health', async () => {
    const ingest = await fetch(`${tocsin.ingest.url}/health`);
    expect({ status: ingest.status, body: await ingest.json() }).toEqual({
      status: 200,
      body: { status: 'ok', kafka: 'ready', redis: 'ready' },
    });
    const gateway = await fetch(`${tocsin.gatewayUrl}/health`);
    expect(await gateway.json()).toMatchObject({ status: 'ok', kafka: 'ready', redis: 'ready' });
  });

  it('refuses a subscription to an unknown brand with a reason', async () => {
    await expect(fleurieWall.emitWithAck('subscribe', { brandIds: ['nope'] })).resolves.toEqual({
      ok: false,
      error: { code: 'unknown_brand', message: 'unknown brand(s): nope' },
    });
    await expect(fleurieWall.emitWithAck('subscribe', { brands: 'fleurie' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
  });

  it('dead-letters a malformed record written to mentions.raw and keeps consuming', async () => {
    const producer = run.kafka.producer();
    await producer.connect();
    const next = aMention({ text: 'Fleurie Cosmetics shipped my order on time' });
    await producer.send({
      topic: run.topic('mentions.raw'),
      messages: [
        { key: 'brand:fleurie', value: '{"id": "broken", "text": ' },
        { key: 'brand:fleurie', value: JSON.stringify(next) },
      ],
    });
    await producer.disconnect();

    await waitForEvent<EnrichedMention>(fleurieWall, 'mention.created', (m) => m.id === next.id, 20_000);
    const [dead] = await run.readTopic(run.topic('mentions.dlq'), (messages) => messages.length >= 1, 20_000);
    expect(dead?.value?.toString()).toBe('{"id": "broken", "text": ');
    expect(dead?.headers?.[DLQ_HEADERS.reason]?.toString()).toMatch(/^not JSON/);
    expect(dead?.headers?.[DLQ_HEADERS.sourceTopic]?.toString()).toBe(run.topic('mentions.raw'));
    expect(dead?.headers?.[DLQ_HEADERS.sourceOffset]?.toString()).toMatch(/^\d+$/);
  });
});
