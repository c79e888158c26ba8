import type { INestApplicationContext } from '@nestjs/common';
import type { AlertEvent, SocketMessage } from '@tocsin/alerting';
import type { TriggerHit } from '@tocsin/crisis-plan';
import { DLQ_HEADERS, RecordPublisher } from '@tocsin/kafka';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { isGroupCaughtUp, TestRun } from '../support/test-infra';
import { signInNewAccount, type SignedInClient } from '../support/sessions';
import { connectSocket, startAlerter, startGateway, type RunningGateway } from '../support/tocsin-apps';
import { recordEvents, waitForEvent, waitUntil } from '../support/wait-for';
import { WebhookReceiver } from '../support/webhook-receiver';

type Opened = Extract<AlertEvent, { kind: 'alert.opened' }>;
type Escalated = Extract<AlertEvent, { kind: 'alert.escalated' }>;

const SECRET = 'hook-token-5ecret';
/** What Camille's pager and Tocsin share to sign her pages; the plan names only its variable. */
const SIGNING_SECRET = 'whsec-camille-0123456789abcdef0123456789abcdef';

/**
 * The e2e plan with crisis words scoped to Fleurie, Camille paged through a webhook whose path
 * is a secret, and Sophie through one that never answers.
 */
function scopedPlan(receiverUrl: string, hangingUrl: string): string {
  return readFileSync('config/test/e2e-plan.yaml', 'utf8')
    .replace(
      'terms: [arnaque, boycott, scandale, intoxication, scam, refund]',
      'terms: [arnaque, boycott, scandale, intoxication, scam, refund]\n    scope: { brands: [fleurie] }',
    )
    .replace(
      "contacts: { slack: '@camille' }",
      `contacts: { slack: '@camille', webhook: '${receiverUrl}/camille/${SECRET}', webhookSecret: { env: CAMILLE_WEBHOOK_SECRET } }`,
    )
    .replace("contacts: { slack: '@sophie' }", `contacts: { slack: '@sophie', webhook: '${hangingUrl}/sophie' }`);
}

function crisisHit(brandId: string, mentionId: string): TriggerHit {
  return {
    kind: 'trigger',
    triggerId: 'crisis-words',
    triggerKind: 'crisis-vocabulary',
    brandId,
    level: 'crisis',
    group: 'crisis-words',
    planVersion: 'e2e-1',
    reason: `Negative mention uses crisis words: "arnaque"`,
    evidence: { mentionKey: `twitter:${mentionId}`, text: 'une arnaque', terms: ['arnaque'] },
    atMs: Date.now(),
  };
}

describe('alerter: trust at the Kafka boundary, pages once, secrets never shown', () => {
  const run = new TestRun();
  const receiver = new WebhookReceiver({ secret: SIGNING_SECRET });
  const publisher = new RecordPublisher(run.kafka);
  // Takes every request and never answers: each attempt ends at the relay's timeout.
  const hanging = createServer(() => undefined);
  let folder: string;
  let alerter: INestApplicationContext;
  let gateway: RunningGateway;
  let camille: Socket;
  let watcher: Socket;
  let viewer: SignedInClient;

  beforeAll(async () => {
    await run.createTopics();
    await receiver.start();
    await new Promise<void>((done) => hanging.listen(0, '127.0.0.1', done));
    const hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
    await publisher.connect();
    folder = mkdtempSync(join(tmpdir(), 'tocsin-trust-'));
    const planFile = join(folder, 'plan.yaml');
    writeFileSync(planFile, scopedPlan(receiver.url, hangingUrl));
    const env = run.env({ PLAN_FILE: planFile, ESCALATION_POLL_MS: '100', CAMILLE_WEBHOOK_SECRET: SIGNING_SECRET });
    alerter = await startAlerter(env);
    gateway = await startGateway(env);
    const brandIds = ['fleurie', 'voltaway'];
    camille = await connectSocket(
      gateway.url,
      await signInNewAccount(run, gateway.url, { username: 'camille', personId: 'camille', role: 'cm', brandIds }),
    );
    viewer = await signInNewAccount(run, gateway.url, {
      username: 'watcher',
      personId: 'camille',
      role: 'viewer',
      brandIds,
    });
    watcher = await connectSocket(gateway.url, viewer);
    await watcher.emitWithAck('subscribe', { brandIds: ['fleurie', 'voltaway'] });
  });

  afterAll(async () => {
    for (const socket of [camille, watcher]) socket?.disconnect();
    await gateway?.app.close();
    await alerter?.close();
    await publisher.disconnect();
    await receiver.stop();
    hanging.closeAllConnections();
    await new Promise((done) => hanging.close(done));
    rmSync(folder, { recursive: true, force: true });
    await run.cleanUp();
  });

  const publishHit = (hit: TriggerHit) =>
    publisher.publish(run.topic('alerts.signals'), [{ key: `brand:${hit.brandId}`, value: JSON.stringify(hit) }]);

  it('pages the CM for a genuine hit through the webhook, signed, with its idempotency key, and shows only its host', async () => {
    const opened = waitForEvent<Opened>(camille, 'alert.opened', (e) => e.alert.brandId === 'fleurie', 20_000);
    await publishHit(crisisHit('fleurie', 'genuine-1'));
    const { alert } = await opened;

    await waitUntil(
      'the page to reach the receiver',
      async () => (receiver.pages.length > 0 ? true : undefined),
      20_000,
    );
    expect(receiver.pages[0]).toMatchObject({
      path: `/camille/${SECRET}`,
      key: `${alert.id}/page-1/person-camille`,
      signature: 'valid',
    });

    const answer = await waitUntil(
      'the delivery to be logged',
      async () => {
        const body = (await (await viewer.fetch(`/v1/alerts/${alert.id}`)).json()) as {
          deliveries: Array<{ status: string; url: string }>;
        };
        return body.deliveries.some((delivery) => delivery.status === 'delivered') ? body : undefined;
      },
      20_000,
    );
    expect(answer.deliveries.map((delivery) => delivery.url)).toEqual([receiver.url]);
    expect(JSON.stringify(answer)).not.toContain(SECRET);
  });

  it('sends a forged hit (a Fleurie-only trigger for Voltaway) to the DLQ with the reason: no alert, no page', async () => {
    const openedSeen = recordEvents<Opened>(camille, 'alert.opened');
    await publishHit(crisisHit('voltaway', 'forged-1'));

    const [dead] = await run.readTopic(run.topic('mentions.dlq'), (messages) => messages.length >= 1, 20_000);
    expect(dead?.headers?.[DLQ_HEADERS.reason]?.toString()).toMatch(
      /untrusted hit: trigger "crisis-words" is scoped to fleurie, not "voltaway"/,
    );
    expect(dead?.headers?.[DLQ_HEADERS.sourceTopic]?.toString()).toBe(run.topic('alerts.signals'));
    await waitUntil(
      'the alerter to consume every hit',
      async () =>
        (await isGroupCaughtUp(run.kafka, `${run.id}-alerter-hits`, run.topic('alerts.signals'))) ? true : undefined,
      20_000,
    );
    const { alerts } = (await (await viewer.fetch(`/v1/alerts?brand=voltaway`)).json()) as { alerts: unknown[] };
    expect(alerts).toEqual([]);
    expect(openedSeen).toEqual([]);
    const paged = receiver.pages.map((page) => (page.body as { brand?: { id?: string } }).brand?.id);
    expect(paged).not.toContain('voltaway');
  });

  it('delivers an alert event sent twice on alerts.events to the sockets once', async () => {
    const [fleurie] = (
      (await (await viewer.fetch(`/v1/alerts?brand=fleurie`)).json()) as {
        alerts: Array<Opened['alert'] & { escalationStatus: unknown }>;
      }
    ).alerts;
    if (!fleurie) throw new Error('the first test opens a Fleurie alert');
    // The API adds the derived escalation status; the outbox carries the stored alert only.
    const { escalationStatus: _derived, ...stored } = fleurie;
    const message: SocketMessage = {
      channel: 'socket',
      key: `${fleurie.id}/replayed-by-test`,
      alertId: fleurie.id,
      userIds: ['camille'],
      event: { kind: 'alert.updated', atMs: Date.now(), alert: stored },
    };
    const seen = recordEvents<AlertEvent>(watcher, 'alert.updated');
    const record = { key: `alert:${fleurie.id}`, value: JSON.stringify(message) };
    await publisher.publish(run.topic('alerts.events'), [record, record]);
    await waitUntil('the gateway to deliver the event', async () => (seen.length > 0 ? true : undefined), 20_000);
    await waitUntil(
      'the gateway to consume every alert event',
      async () =>
        (await isGroupCaughtUp(run.kafka, `${run.id}-gateway-alert-events`, run.topic('alerts.events')))
          ? true
          : undefined,
      20_000,
    );
    expect(seen).toHaveLength(1);
  });
  it('keeps paging on schedule while a receiver hangs: escalation timing never waits on a webhook', async () => {
    // The crisis policy pages again every 2 s; each of those pages is also POSTed to Sophie's
    // hanging receiver, whose attempts take the relay's 5 s timeout.
    const repeats = recordEvents<Escalated>(camille, 'alert.escalated');
    await waitUntil(
      'three repeats of the Fleurie crisis',
      async () => (repeats.filter((event) => event.notification.reason === 'repeat').length >= 3 ? true : undefined),
      20_000,
    );
    const times = repeats.filter((event) => event.notification.reason === 'repeat').map((event) => event.atMs);
    const gaps = times.slice(1).map((atMs, index) => atMs - (times[index] ?? atMs));
    expect(Math.max(...gaps)).toBeLessThan(3_000);
  });
});
