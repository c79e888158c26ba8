import type { OutboxMessage, WebhookMessage } from '@tocsin/alerting';
import { RecordPublisher } from '@tocsin/kafka';
import { OutboxStore, RedisKeys } from '@tocsin/redis';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  IDEMPOTENCY_KEY_HEADER,
  OutboxRelay,
  RELAY_LEASE_MS,
  webhookBackoffMs,
} from '../../apps/alerter/src/outbox.relay';
import { WebhookSigner } from '../../apps/alerter/src/webhook-signer';
import { planWith } from '../../libs/crisis-plan/src/testing/plan-fixture';
import { readWholeTopic, TestRun } from '../support/test-infra';
import { WebhookReceiver } from '../support/webhook-receiver';

const SECRET = 'T0000/B0000/s3cr3t-t0ken';

describe(OutboxRelay.name, () => {
  const run = new TestRun();
  const outbox = new OutboxStore(run.redis, new RedisKeys(run.keyPrefix));
  const publisher = new RecordPublisher(run.kafka);
  const received: Array<{ path: string; key: string; body: unknown }> = [];
  const logged: string[] = [];
  let flakyFailuresLeft = 2;
  let server: Server;
  let baseUrl: string;
  let nowMs = Date.parse('2026-11-23T10:00:00Z');
  const clock = { now: () => nowMs };
  const logger = { warn: (m: string) => logged.push(m), error: (m: string) => logged.push(m) };
  // Delivery and retries are under test here, not signing: every page goes out unsigned.
  const unsigned = { sign: () => ({ ok: true as const, headers: {} }) };
  const sut = new OutboxRelay(outbox, publisher, run.topic('alerts.events'), clock, logger, unsigned);

  beforeAll(async () => {
    await run.createTopics();
    await publisher.connect();
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const path = (request.url ?? '').split('?')[0] ?? '';
        received.push({
          path,
          key: String(request.headers[IDEMPOTENCY_KEY_HEADER]),
          body: JSON.parse(body) as unknown,
        });
        const status = path === '/gone' ? 410 : path.startsWith('/flaky') && flakyFailuresLeft-- > 0 ? 503 : 200;
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await publisher.disconnect();
    await run.cleanUp();
  });

  async function enqueue(messages: OutboxMessage[]): Promise<void> {
    const multi = run.redis.multi();
    outbox.addTo(multi, nowMs, messages);
    await multi.exec();
  }

  function webhook(alertId: string, path: string, body: unknown): WebhookMessage {
    return {
      channel: 'webhook',
      key: `${alertId}/page-1/org-json`,
      alertId,
      url: `${baseUrl}${path}`,
      format: 'json',
      body,
      attempts: 0,
    };
  }

  async function relayAll(): Promise<void> {
    await sut.relayDue();
    await sut.drain();
  }

  it('delivers at once with its idempotency key, retries recoverable failures with backoff, gives up on permanent ones', async () => {
    await enqueue([
      webhook('alert-1', '/ok', { type: 'alert.opened', alertId: 'alert-1' }),
      webhook('alert-2', `/flaky/${SECRET}`, { text: 'page' }),
      webhook('alert-3', '/gone', { type: 'alert.opened', alertId: 'alert-3' }),
    ]);

    await relayAll();
    for (const attempt of [1, 2]) {
      nowMs += webhookBackoffMs(attempt);
      await relayAll();
    }

    expect(received.filter((request) => request.path === '/ok')).toEqual([
      { path: '/ok', key: 'alert-1/page-1/org-json', body: { type: 'alert.opened', alertId: 'alert-1' } },
    ]);
    expect(received.filter((request) => request.path.startsWith('/flaky')).map((request) => request.key)).toEqual([
      'alert-2/page-1/org-json',
      'alert-2/page-1/org-json',
      'alert-2/page-1/org-json',
    ]);
    expect((await outbox.deliveries('alert-2')).map((delivery) => delivery.status)).toEqual([
      'retrying',
      'retrying',
      'delivered',
    ]);
    expect(await outbox.deliveries('alert-3')).toEqual([
      expect.objectContaining({ status: 'failed', attempts: 1, error: 'HTTP 410' }),
    ]);
    expect(await outbox.deliveries('alert-1')).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1 })]);
    expect(await outbox.pending()).toBe(0);
  });

  it('shows and logs webhook URLs as scheme and host only', async () => {
    const deliveries = await outbox.deliveries('alert-2');
    expect(deliveries.map((delivery) => delivery.url)).toEqual([baseUrl, baseUrl, baseUrl]);
    expect(JSON.stringify(deliveries)).not.toContain(SECRET);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join('\n')).not.toContain(SECRET);
  });

  it('sends a message again with the same key when the relay that took it died before finishing', async () => {
    await enqueue([webhook('alert-4', '/ok', { type: 'alert.escalated', alertId: 'alert-4' })]);
    // A relay takes the message and dies: nothing is sent, the claim is all that is left.
    await outbox.claimDue(nowMs, RELAY_LEASE_MS, 10);
    await relayAll();
    expect(received.filter((request) => request.key === 'alert-4/page-1/org-json')).toHaveLength(0);

    nowMs += RELAY_LEASE_MS;
    await relayAll();
    expect(received.filter((request) => request.key === 'alert-4/page-1/org-json')).toHaveLength(1);
  });

  describe('signing and redirects', () => {
    const pagerSecret = 'whsec-pager-0123456789abcdef0123456789abcdef';
    const receiver = new WebhookReceiver({
      secret: pagerSecret,
      redirects: { '/moved': 'https://elsewhere.example/x' },
    });
    const plan = planWith();
    /** A relay signing pages to the receiver's org-wide hook with `secret`, as the alerter does. */
    function relaySigningWith(secret: string, path: string): OutboxRelay {
      const signer = new WebhookSigner(
        { alertWebhookUrl: `${receiver.url}${path}`, alertWebhookSecret: { env: 'PAGER_SECRET' } },
        'test',
        { variable: (name) => (name === 'PAGER_SECRET' ? secret : undefined), file: () => '' },
        () => plan,
        // The receiver checks the timestamp against its own clock.
        { now: () => Date.now() },
        logger,
      );
      expect(signer.check(plan)).toEqual([]);
      return new OutboxRelay(outbox, publisher, run.topic('alerts.events'), clock, logger, signer);
    }
    const pageTo = (alertId: string, path: string): WebhookMessage => ({
      ...webhook(alertId, path, { alertId }),
      url: `${receiver.url}${path}`,
    });

    beforeAll(() => receiver.start());
    afterAll(() => receiver.stop());

    it('signs each page so that the receiver verifies it with its secret', async () => {
      const relay = relaySigningWith(pagerSecret, '/pager');
      await enqueue([pageTo('alert-6', '/pager')]);
      await relay.relayDue();
      await relay.drain();
      expect(receiver.pages.filter((page) => page.key.startsWith('alert-6/'))).toEqual([
        expect.objectContaining({ path: '/pager', signature: 'valid' }),
      ]);
    });

    it('signs with a secret the receiver does not share: the receiver refuses the page', async () => {
      const relay = relaySigningWith('whsec-wrong-0123456789abcdef0123456789abcdef', '/pager');
      await enqueue([pageTo('alert-7', '/pager')]);
      await relay.relayDue();
      await relay.drain();
      expect(receiver.pages.filter((page) => page.key.startsWith('alert-7/'))).toEqual([
        expect.objectContaining({ signature: 'signature does not match (wrong secret or altered body)' }),
      ]);
    });

    it('does not follow a redirect: the delivery fails as "redirect refused", for good', async () => {
      const relay = relaySigningWith(pagerSecret, '/moved');
      await enqueue([pageTo('alert-8', '/moved')]);
      await relay.relayDue();
      await relay.drain();
      expect(await outbox.deliveries('alert-8')).toEqual([
        expect.objectContaining({
          status: 'failed',
          attempts: 1,
          error: 'redirect refused: HTTP 302 to https://elsewhere.example',
        }),
      ]);
      expect(receiver.pages.filter((page) => page.key.startsWith('alert-8/'))).toHaveLength(1);
    });

    it('refuses a page to a URL the plan in force does not name', async () => {
      const relay = relaySigningWith(pagerSecret, '/pager');
      await enqueue([pageTo('alert-9', '/not-in-the-plan')]);
      await relay.relayDue();
      await relay.drain();
      expect(await outbox.deliveries('alert-9')).toEqual([
        expect.objectContaining({ status: 'failed', error: expect.stringMatching(/not in the plan in force/) }),
      ]);
      expect(receiver.pages.filter((page) => page.key.startsWith('alert-9/'))).toEqual([]);
    });
  });

  it('publishes console events to alerts.events in order, keyed by brand, with their idempotency keys', async () => {
    const event = (kind: 'alert.opened' | 'alert.acknowledged', index: number): OutboxMessage => ({
      channel: 'socket',
      key: `alert-5/${kind}/${index}`,
      alertId: 'alert-5',
      userIds: ['camille'],
      event: { kind: 'alert.opened', atMs: nowMs, alert: anAlert('alert-5') },
    });
    await enqueue([event('alert.opened', 0), event('alert.acknowledged', 1)]);
    await relayAll();

    const records = await readWholeTopic(run, run.topic('alerts.events'), 20_000);
    expect(records.map((record) => String(record.headers?.[IDEMPOTENCY_KEY_HEADER]))).toEqual([
      'alert-5/alert.opened/0',
      'alert-5/alert.acknowledged/1',
    ]);
    expect(records.every((record) => record.key?.toString() === 'brand:fleurie')).toBe(true);
    expect(await outbox.pending()).toBe(0);
  });
});

function anAlert(id: string) {
  return {
    id,
    groupKey: 'fleurie/crisis-words',
    brandId: 'fleurie',
    triggerId: 'crisis-words',
    level: 'crisis',
    state: 'open' as const,
    reason: 'crisis words',
    planVersion: 'e2e-1',
    openedAtMs: 0,
    evidence: {
      count: 1,
      firstSeenAtMs: 0,
      lastSeenAtMs: 0,
      peakPerMin: 1,
      currentMinuteStartMs: 0,
      currentMinuteCount: 1,
      triggerIds: ['crisis-words'],
      samples: [],
    },
    escalation: {
      policyId: 'crisis',
      level: 'crisis',
      planVersion: 'e2e-1',
      cause: 'opened' as const,
      startedAtMs: 0,
      steps: [],
    },
    escalationStepIndex: 0,
    repeatsDone: 0,
    nextEscalationAtMs: null,
    notificationCount: 0,
    pagedUserIds: [],
    audit: [],
  };
}
