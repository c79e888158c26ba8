import type { AlertEvent, AlertEventView } from '@tocsin/alerting';
import type { EnrichedMention } from '@tocsin/domain';
import type { Socket } from 'socket.io-client';
import { aMention, toNdjson } from '../support/mention-fixtures';
import { isGroupCaughtUp, TestRun } from '../support/test-infra';
import { connectSocket, postMentions, startTocsin, type RunningTocsin } from '../support/tocsin-apps';
import { signInNewAccount, type SignedInClient } from '../support/sessions';
import { recordEvents, waitForEvent, waitUntil } from '../support/wait-for';

type Opened = Extract<AlertEventView, { kind: 'alert.opened' }>;
type Escalated = Extract<AlertEventView, { kind: 'alert.escalated' }>;

describe('alerts: crisis plan → on-call CM → escalation to the manager', () => {
  const run = new TestRun();
  let tocsin: RunningTocsin;
  let camille: Socket;
  let sophie: Socket;
  let watcher: Socket;
  let camilleSession: SignedInClient;
  let sophieSession: SignedInClient;

  beforeAll(async () => {
    await run.createTopics();
    tocsin = await startTocsin(run.env({ PLAN_FILE: 'config/test/e2e-plan.yaml', ESCALATION_POLL_MS: '100' }));
    const url = tocsin.gatewayUrl;
    const brandIds = ['fleurie', 'voltaway'];
    camilleSession = await signInNewAccount(run, url, {
      username: 'camille',
      personId: 'camille',
      role: 'cm',
      brandIds,
    });
    sophieSession = await signInNewAccount(run, url, {
      username: 'sophie',
      personId: 'sophie',
      role: 'manager',
      brandIds,
    });
    camille = await connectSocket(url, camilleSession);
    sophie = await connectSocket(url, sophieSession);
    watcher = await connectSocket(
      url,
      await signInNewAccount(run, url, { username: 'watcher', personId: 'hugo', role: 'viewer', brandIds }),
    );
    await watcher.emitWithAck('subscribe', { brandIds: ['fleurie', 'voltaway'] });
  });

  afterAll(async () => {
    for (const socket of [camille, sophie, watcher]) socket?.disconnect();
    await tocsin?.stop();
    await run.cleanUp();
  });

  async function getJson(path: string): Promise<unknown> {
    const response = await camilleSession.fetch(path);
    expect(response.status).toBe(200);
    return response.json();
  }

  it('pages the CM within seconds, escalates to the manager after T1, and stops once acknowledged', async () => {
    const burst = [
      'Fleurie Cosmetics est une ARNAQUE, ma peau est brûlée 😡',
      "Honte à Fleurie Cosmetics, c'est un scandale, boycott !",
      'Fleurie Cosmetics night cream is a scam, I want a refund now',
      'Encore une arnaque de Fleurie Cosmetics, je ne rachèterai jamais',
      'Worst purchase ever, Fleurie Cosmetics is a total scam 🤬',
    ].map((text) => aMention({ text }));
    const postedAtMs = Date.now();
    const openedForCm = waitForEvent<Opened>(camille, 'alert.opened', (e) => e.alert.brandId === 'fleurie', 20_000);
    await postMentions(tocsin.ingest, toNdjson(burst), 'application/x-ndjson');

    const opened = await openedForCm;
    const cmLatencyMs = Date.now() - postedAtMs;
    expect(opened.alert).toMatchObject({
      level: 'crisis',
      triggerId: 'crisis-words',
      state: 'open',
      planVersion: 'e2e-1',
    });
    expect(cmLatencyMs).toBeLessThan(10_000);
    // The server says what comes next and whom it reaches: the on-call CM, Camille, at once.
    expect(opened.alert.escalationStatus).toEqual({
      kind: 'step',
      atMs: opened.alert.openedAtMs,
      step: 0,
      targets: [{ schedule: 'cm-on-call' }],
      recipients: ['camille'],
    });

    const escalation = await waitForEvent<Escalated>(
      sophie,
      'alert.escalated',
      (e) => e.alert.id === opened.alert.id && e.notification.recipients.includes('sophie'),
      20_000,
    );
    expect(escalation.atMs - opened.alert.openedAtMs).toBeGreaterThanOrEqual(3_000);
    // Once the manager is paged the steps have run out: next, everyone paged hears it again.
    expect(escalation.alert.escalationStatus).toMatchObject({ kind: 'repeat', repeat: 1 });

    const repeatsAfterAck = recordEvents<Escalated>(sophie, 'alert.escalated');
    const acknowledgedForWatcher = waitForEvent<AlertEvent>(
      watcher,
      'alert.acknowledged',
      (e) => e.alert.id === opened.alert.id,
      10_000,
    );
    const ack = await camille.emitWithAck('alert.acknowledge', { alertId: opened.alert.id, note: 'on it' });
    expect(ack).toMatchObject({
      ok: true,
      alert: { state: 'acknowledged', acknowledgedBy: 'camille', escalationStatus: { kind: 'stopped' } },
    });
    await acknowledgedForWatcher;

    // The policy repeats every 2 s while unacknowledged: 5 s of silence shows the chain stopped.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(repeatsAfterAck).toEqual([]);

    const { alert } = (await getJson(`/v1/alerts/${opened.alert.id}`)) as {
      alert: {
        audit: Array<{ action: string; actor: string; reason: string }>;
        evidence: { count: number };
        escalationStatus: unknown;
      };
    };
    expect(alert.escalationStatus).toEqual({ kind: 'stopped' });
    expect(alert.audit.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['opened', 'notified', 'acknowledged']),
    );
    expect(alert.audit.filter((entry) => entry.action === 'notified').map((entry) => entry.reason)).toEqual(
      expect.arrayContaining([expect.stringMatching(/camille/), expect.stringMatching(/sophie/)]),
    );
    expect(alert.evidence.count).toBeGreaterThanOrEqual(2);

    const { alerts } = (await getJson('/v1/alerts?brand=fleurie')) as { alerts: unknown[] };
    expect(alerts).toHaveLength(1);

    const resolvedForWatcher = waitForEvent<AlertEvent>(
      watcher,
      'alert.resolved',
      (e) => e.alert.id === opened.alert.id,
      10_000,
    );
    // Resolved as the signed-in person: the body carries only the note.
    const resolved = await camilleSession.fetch(`/v1/alerts/${opened.alert.id}/resolve`, {
      method: 'POST',
      body: JSON.stringify({ note: 'statement posted, refunds offered' }),
    });
    expect(resolved.status).toBe(200);
    await expect(resolved.json()).resolves.toMatchObject({ state: 'resolved', escalationStatus: { kind: 'resolved' } });
    await resolvedForWatcher;
    const audit = (await getJson('/v1/brands/fleurie/audit')) as { entries: Array<{ action: string; actor: string }> };
    expect(audit.entries.map((entry) => `${entry.action}:${entry.actor}`)).toEqual(
      expect.arrayContaining(['opened:tocsin', 'acknowledged:camille', 'resolved:camille']),
    );
    const badRequest = await camilleSession.fetch('/v1/alerts?state=sleeping');
    expect(badRequest.status).toBe(400);
  });

  it('raises an alert for one negative mention by an influential author', async () => {
    const influential = aMention({
      text: 'Voltaway is the worst app ever, totally useless and broken 😡',
      author: { id: 'star', handle: 'techstar', followers: 250_000, verified: true },
    });
    const opened = waitForEvent<Opened>(camille, 'alert.opened', (e) => e.alert.brandId === 'voltaway', 20_000);
    await postMentions(tocsin.ingest, JSON.stringify(influential), 'application/json');
    await expect(opened).resolves.toMatchObject({ alert: { triggerId: 'influencer-negative', level: 'alert' } });
  });

  it('raises nothing for a silenced brand', async () => {
    const response = await sophieSession.fetch('/v1/silences', {
      method: 'POST',
      body: JSON.stringify({
        matchers: { brandId: 'voltaway' },
        startsAtMs: Date.now() - 1_000,
        endsAtMs: Date.now() + 3_600_000,
        reason: 'known outage, statement already posted',
      }),
    });
    expect(response.status).toBe(201);
    const openedSeen = recordEvents<Opened>(camille, 'alert.opened');
    const mention = aMention({ text: 'Voltaway is a scam, I want a refund, boycott them 😡' });
    await postMentions(tocsin.ingest, JSON.stringify(mention), 'application/json');

    await waitForEvent<EnrichedMention>(watcher, 'mention.created', (m) => m.id === mention.id, 20_000);
    await waitUntil(
      'the alerter to consume every alert signal',
      async () =>
        (await isGroupCaughtUp(run.kafka, `${run.id}-alerter-hits`, run.topic('alerts.signals'))) ? true : undefined,
      20_000,
    );
    expect(openedSeen).toEqual([]);
    const { alerts } = (await getJson('/v1/alerts?brand=voltaway')) as { alerts: Array<{ triggerId: string }> };
    expect(alerts.map((alert) => alert.triggerId)).toEqual(['influencer-negative']);
  });
});
