import type { Alert, Incident, IncidentEvent, IncidentReport } from '@tocsin/alerting';
import type { ReplyQueueView } from '@tocsin/alert-actions';
import { loadPlanFile, formatPlanError } from '@tocsin/crisis-plan';
import type { Mention } from '@tocsin/domain';
import type { ReplyQueueEvent } from '@tocsin/reply-queue';
import type { Socket } from 'socket.io-client';
import { replayPlan } from '../../scripts/replay/plan-replay.engine';
import { aMention, toNdjson } from '../support/mention-fixtures';
import { signInNewAccount, type SignedInClient } from '../support/sessions';
import { TestRun } from '../support/test-infra';
import { mailText, SmtpReceiver } from '../support/smtp-receiver';
import { connectSocket, postMentions, startTocsin, type RunningTocsin } from '../support/tocsin-apps';
import { waitForEvent, waitUntil } from '../support/wait-for';
import { WebhookReceiver } from '../support/webhook-receiver';

const PLAN_FILE = 'config/test/reply-incident-plan.yaml';

interface IncidentPage {
  type: string;
  incidentId: string;
  level: string;
  recipients: string[];
  joined: { count: number; text: string; alerts: Array<{ triggerId: string; level: string; reason: string }> };
}

describe('a complaint left unanswered past its deadline joins the brand’s open incident and raises it', () => {
  const run = new TestRun();
  const receiver = new WebhookReceiver();
  const smtp = new SmtpReceiver();
  let tocsin: RunningTocsin;
  let watcher: Socket;
  let camilleSession: SignedInClient;
  let incident: Incident;
  const keyOf = (mention: { platform: string; id: string }) => `${mention.platform}:${mention.id}`;

  // Dated when posted, in the first test: the 15 s answer deadline runs from then.
  const scam = aMention({
    text: 'Fleurie Cosmetics is a scam, this cream burned my skin and nobody answers 😡',
    author: { id: 'u-jane', handle: '@jane', followers: 40 },
  });
  const angry = aMention({
    text: 'Fleurie Cosmetics is awful, horrible cream, I am so disappointed 😞',
    author: { id: 'u-paul', handle: '@paul', followers: 300 },
  });
  let answer: Mention;

  beforeAll(async () => {
    await receiver.start();
    const smtpUrl = await smtp.start();
    await run.createTopics();
    tocsin = await startTocsin(
      run.env({
        PLAN_FILE,
        ESCALATION_POLL_MS: '100',
        ALERT_WEBHOOK_URL: `${receiver.url}/org`,
        SMTP_URL: smtpUrl,
        SMTP_FROM: 'Tocsin <oncall@tocsin.example.com>',
      }),
    );
    const url = tocsin.gatewayUrl;
    const brandIds = ['fleurie'];
    camilleSession = await signInNewAccount(run, url, {
      username: 'camille',
      personId: 'camille',
      role: 'cm',
      brandIds,
    });
    watcher = await connectSocket(
      url,
      await signInNewAccount(run, url, { username: 'watcher', personId: 'sophie', role: 'viewer', brandIds }),
    );
    await watcher.emitWithAck('subscribe', { brandIds });
  });

  afterAll(async () => {
    watcher?.disconnect();
    await tocsin?.stop();
    await receiver.stop();
    await smtp.stop();
    await run.cleanUp();
  });

  async function getJson<T>(path: string): Promise<T> {
    const response = await camilleSession.fetch(path);
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  function orgPages(): IncidentPage[] {
    const byKey = new Map(receiver.pages.filter((page) => page.path === '/org').map((page) => [page.key, page.body]));
    return [...byKey.values()] as IncidentPage[];
  }

  it('opens a watch incident from crisis words, queues both complaints, and the brand answers one in time', async () => {
    const opened = waitForEvent<Extract<IncidentEvent, { kind: 'incident.opened' }>>(
      watcher,
      'incident.opened',
      (event) => event.incident.brandId === 'fleurie',
      20_000,
    );
    const queued = Promise.all(
      [scam, angry].map((mention) =>
        waitForEvent<ReplyQueueEvent>(watcher, 'reply.queued', (e) => e.entry.mentionKey === keyOf(mention), 20_000),
      ),
    );
    scam.createdAt = angry.createdAt = new Date().toISOString();
    await postMentions(tocsin.ingest, toNdjson([scam, angry]), 'application/x-ndjson');
    incident = (await opened).incident;
    expect(incident).toMatchObject({ level: 'watch', state: 'open', groupKey: 'fleurie' });
    expect(incident.alerts.map((member) => member.triggerId)).toEqual(['crisis-words']);
    expect((await queued).map((event) => event.entry.dueAtMs - event.entry.postedAtMs)).toEqual([15_000, 15_000]);

    // The CM takes the incident before any deadline: the overdue complaint must wake it up again.
    const acknowledged = await camilleSession.fetch(`/v1/incidents/${incident.id}/acknowledge`, {
      method: 'POST',
      body: JSON.stringify({ note: 'on it' }),
    });
    expect(acknowledged.status).toBe(200);

    answer = aMention({
      text: 'Hello Paul, we are sorry to read this. Could you send us a private message so we can help?',
      author: { id: 'brand', handle: '@fleurie_off', followers: 90_000 },
      inReplyTo: angry.id,
      brandIds: ['fleurie'],
      createdAt: new Date().toISOString(),
    });
    const closed = waitForEvent<ReplyQueueEvent>(
      watcher,
      'reply.closed',
      (e) => e.entry.mentionKey === keyOf(angry),
      10_000,
    );
    await postMentions(tocsin.ingest, JSON.stringify(answer), 'application/json');
    expect((await closed).entry).toMatchObject({ state: 'answered', reply: { author: '@fleurie_off' } });
  });

  it('turns the unanswered complaint into a reply-overdue alert that joins the incident, raises it to alert and pages again', async () => {
    const overdue = await waitForEvent<ReplyQueueEvent>(
      watcher,
      'reply.overdue',
      (e) => e.entry.mentionKey === keyOf(scam),
      30_000,
    );
    expect(overdue.atMs).toBeGreaterThanOrEqual(overdue.entry.dueAtMs);
    const upgraded = await waitForEvent<Extract<IncidentEvent, { kind: 'incident.upgraded' }>>(
      watcher,
      'incident.upgraded',
      (event) => event.incident.id === incident.id,
      20_000,
    );
    expect(upgraded.fromLevel).toBe('watch');
    // A higher level needs fresh eyes: the acknowledgement is lifted and the escalation restarts.
    expect(upgraded.incident).toMatchObject({ level: 'alert', state: 'open' });
    expect(upgraded.incident.acknowledgedBy).toBeUndefined();
    expect(upgraded.incident.alerts.map((member) => `${member.triggerId} ${member.level}`)).toEqual([
      'crisis-words watch',
      'reply-overdue alert',
    ]);

    await waitUntil(
      'the incident’s second page at the org webhook',
      async () => (orgPages().length >= 2 ? true : undefined),
      20_000,
    );
    const pages = orgPages();
    expect(pages.map((page) => [page.type, page.incidentId, page.level, page.joined.text])).toEqual([
      ['incident.opened', incident.id, 'watch', ''],
      ['incident.upgraded', incident.id, 'alert', '1 more signal joined the incident'],
    ]);
    expect(pages[1]?.recipients).toEqual(['camille', 'sophie']);
    expect(pages[1]?.joined.alerts).toEqual([
      expect.objectContaining({
        triggerId: 'reply-overdue',
        level: 'alert',
        reason: expect.stringMatching(
          /^No reply for \d+s to a negative post by @jane \(40 followers\) on twitter; the playbook asks 15s$/,
        ),
      }),
    ]);

    const detail = await getJson<{ incident: Incident; alerts: Alert[] }>(`/v1/incidents/${incident.id}`);
    expect(detail.incident.timeline.map((entry) => entry.action)).toEqual([
      'opened',
      'notified',
      'acknowledged',
      'alert-joined',
      'level-raised',
      'notified',
    ]);
    expect(detail.alerts.map((alert) => [alert.triggerId, alert.state, alert.incidentId])).toEqual([
      ['crisis-words', 'acknowledged', incident.id],
      ['reply-overdue', 'open', incident.id],
    ]);
    // One escalation, the incident's: the overdue alert pages nobody by itself.
    const overdueAlert = detail.alerts.find((alert) => alert.triggerId === 'reply-overdue');
    expect(overdueAlert?.evidence.samples.map((sample) => sample.evidence.mentionKey)).toEqual([keyOf(scam)]);
    expect(overdueAlert?.audit.filter((entry) => entry.action === 'notified')).toEqual([]);
    incident = detail.incident;
  });

  it('rehearses the same reply queue, overdue signal and raised incident with plan:replay on the same mentions', async () => {
    const loaded = await loadPlanFile(PLAN_FILE);
    if (!loaded.ok) throw new Error(loaded.errors.map(formatPlanError).join('\n'));
    const replay = replayPlan(loaded.plan, [scam, angry, answer], { untilMs: Date.now() });
    // What the system did by itself; the CM's acknowledgement is not replayed.
    const outline = (run: Incident) => ({
      level: run.level,
      alerts: run.alerts.map((member) => `${member.triggerId} ${member.level}`),
      timeline: run.timeline.filter((entry) => entry.actor === 'tocsin').map((entry) => entry.action),
    });
    expect(replay.incidents.map(outline)).toEqual([outline(incident)]);
    expect(replay.pages.map((page) => page.recipients)).toEqual([['camille'], ['camille', 'sophie']]);

    const live = await getJson<ReplyQueueView>('/v1/brands/fleurie/reply-queue');
    const states = (entries: ReadonlyArray<{ mentionKey: string; state: string }>) =>
      entries.map((entry) => `${entry.mentionKey} ${entry.state}`).sort();
    expect(states(replay.replyQueue.entries)).toEqual(states([...live.waiting, ...live.closed]));
    expect(replay.replyQueue.stats).toMatchObject({
      answered: live.stats.answered,
      overdue: live.stats.overdue,
      inTimePct: live.stats.inTimePct,
    });
  });

  it('reports the incident with its reply times once resolved, and mails the report to the people it paged', async () => {
    const resolved = await camilleSession.fetch(`/v1/incidents/${incident.id}/resolve`, {
      method: 'POST',
      body: JSON.stringify({ note: 'answered @jane in private messages' }),
    });
    expect(resolved.status).toBe(200);
    const report = await getJson<IncidentReport>(`/v1/incidents/${incident.id}/report`);
    expect(report.replies).toMatchObject({ due: 2, answered: 1, withinDeadlinePct: 50 });
    expect(report.replies?.medianFirstReplyMs).toBe(Date.parse(answer.createdAt) - Date.parse(angry.createdAt));
    expect(report.timeline.map((entry) => entry.action)).toContain('level-raised');

    const reports = await waitUntil(
      'the crisis report in the mailboxes of the two people paged',
      async () => {
        const mails = smtp.received.filter((mail) =>
          mailText(mail.raw).includes('# Crisis report — Fleurie Cosmetics'),
        );
        return mails.length >= 2 ? mails : undefined;
      },
      20_000,
    );
    expect(reports.flatMap((mail) => mail.to).sort()).toEqual([
      'camille.martin@example.com',
      'sophie.bernard@example.com',
    ]);
    const text = mailText(reports[0]?.raw ?? '');
    expect(text).toContain('**level-raised** by tocsin: watch → alert: No reply for');
    expect(text).toContain('**resolved** by camille: answered @jane in private messages');
    expect(text).toMatch(
      /1 of 2 answered, first reply after \d+s \(median; 90 % within \d+s\), 50 % within the deadline\./,
    );
    expect(text).toContain(`/v1/incidents/${incident.id}/report?format=html`);
    // Sent through the outbox, like the pages: its attempts are in the incident's delivery log.
    const detail = await getJson<{ deliveries: Array<{ key: string; status: string }> }>(
      `/v1/incidents/${incident.id}`,
    );
    expect(detail.deliveries.filter((delivery) => delivery.key.includes('/report/'))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: `${incident.id}/report/email-camille`, status: 'delivered' }),
      ]),
    );
  });
});
