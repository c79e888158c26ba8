import type { ReplyQueueView } from '@tocsin/alert-actions';
import type { Alert, Incident, IncidentEvent, IncidentReport } from '@tocsin/alerting';
import { formatPlanError, parsePlan, type CrisisPlan } from '@tocsin/crisis-plan';
import type { Mention } from '@tocsin/domain';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { parseMentionLines } from '../../scripts/plan-replay';
import { replayPlan } from '../../scripts/replay/plan-replay.engine';
import { toNdjson } from '../support/mention-fixtures';
import { isGroupCaughtUp, TestRun } from '../support/test-infra';
import { signInNewAccount, type SignedInClient } from '../support/sessions';
import { connectSocket, postMentions, startTocsin, type RunningTocsin } from '../support/tocsin-apps';
import { recordEvents, waitForEvent, waitUntil } from '../support/wait-for';
import { WebhookReceiver } from '../support/webhook-receiver';

// Six minutes of the demo stream (`npm run -s demo -- --output`): its bad buzz on Fleurie trips
// crisis words and product safety on the same post, which used to open two alerts paging apart.
const RECORDING = 'test/fixtures/replay/fleurie-buzz-2026-03-10.ndjson';
/** The crisis policy's second step, shortened from 10 minutes so the test sees the escalation. */
const STEP_2_MS = 4_000;

/**
 * The example plan as shipped (incidents grouped by brand), its pagers pointed at the test's
 * receiver, the director paged 4 s into a crisis instead of 10 minutes and no repeat within the test.
 */
function examplePlanFor(receiverUrl: string): string {
  return readFileSync('config/crisis-plan.example.yaml', 'utf8')
    .replaceAll('http://127.0.0.1:4000/oncall/', `${receiverUrl}/oncall/`)
    .replace(
      'afterMs: 10m\n        targets: [{ role: director }]',
      `afterMs: 4s\n        targets: [{ role: director }]`,
    )
    .replace('repeat: { everyMs: 5m, maxTimes: 6 }', 'repeat: { everyMs: 1h, maxTimes: 1 }');
}

/** The recording moved to end 5 s ago, so the live system treats it as live, not as a backfill. */
function shiftedToNow(mentions: readonly Mention[]): Mention[] {
  const lastMs = Math.max(...mentions.map((mention) => Date.parse(mention.createdAt)));
  const shiftMs = Date.now() - 5_000 - lastMs;
  return mentions.map((mention) => ({
    ...mention,
    createdAt: new Date(Date.parse(mention.createdAt) + shiftMs).toISOString(),
  }));
}

/**
 * What two runs must agree on: the incidents, the triggers of the alerts in each, and whom each
 * page reached in the first minute (the live alerter's poll adds up to a few hundred ms to the
 * 4 s step; the plan's only repeat comes an hour later).
 */
function outline(incident: Incident) {
  const openedAtMs = incident.openedAtMs;
  return {
    groupKey: incident.groupKey,
    level: incident.level,
    alerts: incident.alerts.map((member) => `${member.triggerId} ${member.level}`),
    pages: incident.timeline
      .filter((entry) => entry.action === 'notified' && entry.atMs - openedAtMs <= STEP_2_MS + 60_000)
      .map((entry) => entry.reason),
  };
}

describe('incidents: the demo buzz is one incident, paged once per step, rehearsed the same by plan:replay', () => {
  const run = new TestRun();
  const receiver = new WebhookReceiver();
  let tocsin: RunningTocsin;
  let plan: CrisisPlan;
  let watcher: Socket;
  let marc: Socket;
  let sophie: Socket;
  let marcSession: SignedInClient;
  let sophieSession: SignedInClient;
  let recorded: Mention[];
  let incidentEvents: IncidentEvent[][];

  beforeAll(async () => {
    await receiver.start();
    const planFile = join(mkdtempSync(join(tmpdir(), 'tocsin-incidents-')), 'plan.yaml');
    const planText = examplePlanFor(receiver.url);
    writeFileSync(planFile, planText);
    const parsed = parsePlan(planText, planFile);
    if (!parsed.ok) throw new Error(parsed.errors.map(formatPlanError).join('\n'));
    plan = parsed.plan;
    await run.createTopics();
    tocsin = await startTocsin(
      run.env({ PLAN_FILE: planFile, ESCALATION_POLL_MS: '100', ALERT_WEBHOOK_URL: `${receiver.url}/org` }),
    );
    const url = tocsin.gatewayUrl;
    const brandIds = ['fleurie', 'voltaway'];
    marcSession = await signInNewAccount(run, url, { username: 'marc', personId: 'marc', role: 'manager', brandIds });
    sophieSession = await signInNewAccount(run, url, {
      username: 'sophie',
      personId: 'sophie',
      role: 'manager',
      brandIds,
    });
    watcher = await connectSocket(
      url,
      await signInNewAccount(run, url, { username: 'watcher', personId: 'hugo', role: 'viewer', brandIds }),
    );
    marc = await connectSocket(url, marcSession);
    sophie = await connectSocket(url, sophieSession);
    await watcher.emitWithAck('subscribe', { brandIds: ['fleurie', 'voltaway'] });
    incidentEvents = (['incident.opened', 'incident.upgraded', 'incident.escalated'] as const).map((kind) =>
      recordEvents<IncidentEvent>(watcher, kind),
    );
    const file = readFileSync(RECORDING, 'utf8');
    recorded = shiftedToNow(parseMentionLines(file, RECORDING).mentions);
  });

  afterAll(async () => {
    for (const socket of [watcher, marc, sophie]) socket?.disconnect();
    await tocsin?.stop();
    await receiver.stop();
    await run.cleanUp();
  });

  async function getJson<T>(path: string): Promise<T> {
    const response = await sophieSession.fetch(path);
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  let incident: Incident;

  it('gathers the buzz into one incident that pages once per step and names the signal that joined', async () => {
    const directorPaged = waitForEvent<Extract<IncidentEvent, { kind: 'incident.escalated' }>>(
      marc,
      'incident.escalated',
      (event) => event.notification.recipients.includes('marc'),
      60_000,
    );
    await postMentions(tocsin.ingest, toNdjson(recorded), 'application/x-ndjson');
    const escalated = await directorPaged;
    await waitUntil(
      'the alerter to consume every alert signal',
      async () =>
        (await isGroupCaughtUp(run.kafka, `${run.id}-alerter-hits`, run.topic('alerts.signals'))) ? true : undefined,
      30_000,
    );

    const { incidents } = await getJson<{ incidents: Incident[] }>('/v1/incidents?brand=fleurie');
    expect(incidents).toHaveLength(1);
    incident = incidents[0] as Incident;
    expect(escalated.incident.id).toBe(incident.id);
    expect(incident).toMatchObject({ level: 'crisis', state: 'open', groupKey: 'fleurie' });
    expect(incident.alerts.map((member) => member.triggerId)).toEqual(['crisis-words', 'product-safety']);

    // The alerts page nobody themselves: one escalation, the incident's.
    const { alerts } = await getJson<{ alerts: Alert[] }>('/v1/alerts?brand=fleurie');
    expect(alerts.map((alert) => alert.incidentId)).toEqual([incident.id, incident.id]);
    expect(alerts.flatMap((alert) => alert.audit.filter((entry) => entry.action === 'notified'))).toEqual([]);

    await waitUntil(
      'the three pages at the org webhook',
      async () => (receiver.distinctKeys('/org').length >= 3 ? true : undefined),
      20_000,
    );
    // Each page is its own POST: two due together may arrive in either order, and the page
    // number in the key orders them.
    const pages = receiver.pages
      .filter((page) => page.path === '/org')
      .sort((a, b) => a.key.localeCompare(b.key))
      .map((page) => page.body as { type: string; incidentId: string; joined: { count: number; text: string } });
    expect(receiver.distinctKeys('/org').sort()).toEqual([1, 2, 3].map((n) => `${incident.id}/page-${n}/org-json`));
    expect(pages.map((page) => [page.type, page.incidentId, page.joined.text])).toEqual([
      ['incident.opened', incident.id, ''],
      ['incident.upgraded', incident.id, '1 more signal joined the incident'],
      ['incident.escalated', incident.id, ''],
    ]);
    // The brand's watchers saw it open, rise and page three times, each fact once.
    const [opened, upgraded, paged] = incidentEvents;
    expect({
      opened: opened?.map((event) => event.incident.id),
      upgraded: upgraded?.map((event) => event.incident.id),
      paged: paged?.map((event) => (event.kind === 'incident.escalated' ? event.notification.reason : event.kind)),
    }).toEqual({ opened: [incident.id], upgraded: [incident.id], paged: ['opened', 'upgraded', 'escalated'] });
  });

  it('rehearses the same incidents, alerts and page targets with plan:replay on the same recording', () => {
    // Timers up to now: the live system has not yet reached the complaints' deadlines either.
    const replay = replayPlan(plan, recorded, { untilMs: Date.now() });
    expect(replay.incidents.map(outline)).toEqual([outline(incident)]);
  });

  it('rehearses the same reply queues: the complaints that entered and those the brand answered', async () => {
    await waitUntil(
      'the alerter to read every enriched mention into the reply queues',
      async () =>
        (await isGroupCaughtUp(run.kafka, `${run.id}-alerter-replies`, run.topic('mentions.enriched')))
          ? true
          : undefined,
      30_000,
    );
    const replay = replayPlan(plan, recorded, { untilMs: Date.now() });
    for (const brandId of ['fleurie', 'voltaway']) {
      const live = await getJson<ReplyQueueView>(`/v1/brands/${brandId}/reply-queue?limit=500`);
      const states = (entries: ReadonlyArray<{ mentionKey: string; state: string }>) =>
        entries.map((entry) => `${entry.mentionKey} ${entry.state}`).sort();
      expect({
        brandId,
        entries: states(replay.replyQueue.entries.filter((entry) => entry.brandId === brandId)),
      }).toEqual({ brandId, entries: states([...live.waiting, ...live.closed]) });
    }
    expect(replay.replyQueue.stats.answered).toBeGreaterThan(0);
  });

  it('acknowledges the incident and its alerts at once, and keeps notes and the owner in one timeline', async () => {
    const acknowledged = await sophieSession.fetch(`/v1/incidents/${incident.id}/acknowledge`, {
      method: 'POST',
      body: JSON.stringify({ note: 'crisis bridge open' }),
    });
    expect(acknowledged.status).toBe(200);
    const noted = waitForEvent<IncidentEvent>(
      watcher,
      'incident.updated',
      (event) => event.incident.id === incident.id && event.incident.timeline.some((entry) => entry.action === 'note'),
      10_000,
    );
    const answer = (await sophie.emitWithAck('incident.note', {
      incidentId: incident.id,
      text: 'Legal is checking the batch numbers',
    })) as { ok: boolean };
    expect(answer.ok).toBe(true);
    await noted;
    const owner = await sophieSession.fetch(`/v1/incidents/${incident.id}/owner`, {
      method: 'POST',
      body: JSON.stringify({ ownerId: 'marc' }),
    });
    expect(owner.status).toBe(200);

    const detail = await getJson<{ incident: Incident; alerts: Alert[] }>(`/v1/incidents/${incident.id}`);
    expect(detail.alerts.map((alert) => `${alert.state}:${alert.acknowledgedBy}`)).toEqual([
      'acknowledged:sophie',
      'acknowledged:sophie',
    ]);
    expect(detail.incident.owner).toBe('marc');
    expect(detail.incident.timeline.map((entry) => entry.action)).toEqual([
      'opened',
      'notified',
      'alert-joined',
      'level-raised',
      'notified',
      'notified',
      'acknowledged',
      'note',
      'owner-changed',
    ]);
    const refused = await sophieSession.fetch(`/v1/incidents/${incident.id}/owner`, {
      method: 'POST',
      body: JSON.stringify({ ownerId: 'nobody' }),
    });
    expect(refused.status).toBe(403);
  });

  it('reports the resolved incident in JSON, Markdown and HTML: timeline, volume, top mentions, who did what', async () => {
    const resolved = await marcSession.fetch(`/v1/incidents/${incident.id}/resolve`, {
      method: 'POST',
      body: JSON.stringify({ note: 'holding statement out, recall announced' }),
    });
    expect(resolved.status).toBe(200);
    await waitUntil(
      'the gateway to keep every volume interval of alerts.signals',
      async () =>
        (await isGroupCaughtUp(run.kafka, `${run.id}-gateway-signals`, run.topic('alerts.signals'))) ? true : undefined,
      30_000,
    );
    const report = await getJson<IncidentReport>(`/v1/incidents/${incident.id}/report`);
    expect(report.incident).toMatchObject({ state: 'resolved', resolvedBy: 'marc', acknowledgedBy: 'sophie' });
    expect(report.timeline.map((entry) => entry.action).slice(-2)).toEqual(['owner-changed', 'resolved']);
    expect(report.topMentions.items.length).toBeGreaterThan(0);
    // The pipeline's closed intervals, kept by the gateway's volume history, from the lead-in on.
    expect(report.volume.totals.mentions).toBeGreaterThan(0);
    expect(report.volume.points[0]?.intervalStartMs).toBeLessThan(report.incident.openedAtMs);
    // The recording's complaints entered the reply queue while the incident was open.
    expect(report.replies?.due).toBeGreaterThan(0);
    expect(report.people.map((person) => person.actor)).toEqual(['tocsin', 'sophie', 'marc']);

    const markdown = await sophieSession.fetch(`/v1/incidents/${incident.id}/report`, {
      headers: { accept: 'text/markdown' },
    });
    expect(markdown.headers.get('content-type')).toMatch(/^text\/markdown/);
    const text = await markdown.text();
    expect(text).toContain('**level-raised** by tocsin');
    expect(text).toContain('**note** by sophie: Legal is checking the batch numbers');
    expect(text).toMatch(/\d+ of \d+ answered/);
    const html = await sophieSession.fetch(`/v1/incidents/${incident.id}/report?format=html`);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toContain('<h2>Timeline</h2>');
  });
});
