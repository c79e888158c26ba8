import { AlertActions } from '@tocsin/alert-actions';
import type { ConsoleEvent, OutboxMessage } from '@tocsin/alerting';
import type { TriggerHit } from '@tocsin/crisis-plan';
import type { Clock } from '@tocsin/domain';
import { PlanSource } from '@tocsin/plan-source';
import { AlertStore, OutboxStore, RedisKeys, SilenceStore } from '@tocsin/redis';
import Redis from 'ioredis';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REDIS_URL, TestRun } from '../support/test-infra';

const silentLogger = { log: () => undefined, warn: () => undefined };
const T0 = Date.parse('2026-11-23T10:00:00Z');

/** The e2e plan as it was, and the same plan once it groups alerts into incidents by brand. */
function planFiles(): { before: string; after: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-incidents-int-'));
  const text = readFileSync('config/test/e2e-plan.yaml', 'utf8');
  const after = join(dir, 'with-incidents.yaml');
  writeFileSync(after, `${text}\nincidents:\n  groupBy: [brand]\n`);
  return { before: 'config/test/e2e-plan.yaml', after };
}

function hitOf(group: string, brandId: string, atMs: number, level = 'alert'): TriggerHit {
  return {
    kind: 'trigger',
    triggerId: 'influencer-negative',
    triggerKind: 'influential-negative',
    brandId,
    level,
    group,
    planVersion: 'e2e-1',
    reason: `Negative mention by @techstar (250k followers) on twitter (${group})`,
    evidence: { mentionKey: `twitter:${group}-${atMs}`, author: '@techstar', followers: 250_000 },
    atMs,
  };
}

describe('incidents on real Redis', () => {
  const run = new TestRun();
  const files = planFiles();
  const plans = {
    before: new PlanSource(files.before, silentLogger),
    after: new PlanSource(files.after, silentLogger),
  };
  const keys = new RedisKeys(run.keyPrefix);
  const outbox = new OutboxStore(run.redis, keys);
  const connections: Redis[] = [];
  let nowMs = T0;
  const clock: Clock = { now: () => nowMs };

  beforeAll(() => Promise.all([plans.before.start({ watch: false }), plans.after.start({ watch: false })]));
  afterAll(async () => {
    await Promise.all(connections.map((redis) => redis.quit()));
    await run.cleanUp();
  });

  /** One alerter's actions on its own connection, under one of the two plans. */
  function instance(plan: PlanSource): { actions: AlertActions; alerts: AlertStore } {
    const redis = new Redis(REDIS_URL);
    connections.push(redis);
    const alerts = new AlertStore(redis, keys, new OutboxStore(redis, keys));
    const options = { consoleUrl: 'http://127.0.0.1/console.html' };
    return {
      actions: new AlertActions(alerts, new SilenceStore(redis, keys), plan, clock, options, silentLogger),
      alerts,
    };
  }

  async function drainEvents(): Promise<ConsoleEvent[]> {
    const claimed = await outbox.claimDue(Number.MAX_SAFE_INTEGER, 1_000, 10_000);
    await outbox.finish(claimed.map((item) => item.member));
    return claimed.flatMap(({ message }: { message: OutboxMessage }) =>
      message.channel === 'socket' ? [message.event] : [],
    );
  }

  it('keeps an alert stored before incidents escalating on its own, while a new alert opens an incident', async () => {
    const old = await instance(plans.before).actions.handleHit(hitOf('legacy', 'voltaway', nowMs));
    await drainEvents();
    const upgraded = instance(plans.after);

    nowMs += 1_000;
    const sameGroup = await upgraded.actions.handleHit(hitOf('legacy', 'voltaway', nowMs));
    const fresh = await upgraded.actions.handleHit(hitOf('fresh', 'voltaway', nowMs));
    nowMs += 3_000;
    await upgraded.actions.runDue();
    const events = await drainEvents();

    expect({
      sameAlert: sameGroup?.id === old?.id,
      oldIncident: sameGroup?.incidentId,
      freshIncident: typeof fresh?.incidentId,
      oldEscalatedToSophie: events.some(
        (event) =>
          event.kind === 'alert.escalated' &&
          event.alert.id === old?.id &&
          event.notification.recipients.includes('sophie'),
      ),
      incidentPagedSophie: events.some(
        (event) => event.kind === 'incident.escalated' && event.notification.recipients.includes('sophie'),
      ),
    }).toEqual({
      sameAlert: true,
      oldIncident: undefined,
      freshIncident: 'string',
      oldEscalatedToSophie: true,
      incidentPagedSophie: true,
    });
  });

  it('opens one incident when four alerter instances open alerts of one brand at the same instant', async () => {
    // One instance per hit: an alerter applies its hits one at a time on its own connection,
    // and WATCH guards a transaction only against other connections.
    const instances = ['g1', 'g2', 'g3', 'g4'].map(() => instance(plans.after));
    const opened = await Promise.all(
      instances.map(({ actions }, index) => actions.handleHit(hitOf(`g${index + 1}`, 'fleurie', nowMs))),
    );
    const incidents = await instances[0]!.alerts.listLiveIncidents('fleurie');
    expect({
      incidents: incidents.length,
      members: incidents[0]?.alerts.length,
      sameIncident: new Set(opened.map((alert) => alert?.incidentId)).size,
    }).toEqual({ incidents: 1, members: 4, sameIncident: 1 });
    const pages = (await drainEvents()).filter((event) => event.kind === 'incident.escalated');
    expect(pages).toHaveLength(1);
  });

  it('lets a lower signal of a brand in crisis join the crisis incident instead of vanishing into its evidence', async () => {
    const { actions, alerts } = instance(plans.after);
    const crisis = await actions.handleHit(hitOf('safety', 'acme-crisis', nowMs, 'crisis'));
    await drainEvents();
    const lower = await actions.handleHit(hitOf('unanswered', 'acme-crisis', nowMs + 1_000, 'alert'));
    const [incident] = await alerts.listLiveIncidents('acme-crisis');
    const events = await drainEvents();
    expect({
      ownAlert: lower?.id !== crisis?.id,
      sameIncident: lower?.incidentId === crisis?.incidentId,
      level: incident?.level,
      timeline: incident?.timeline.map((entry) => entry.action).slice(-1),
      crisisHits: (await alerts.get(crisis?.id ?? ''))?.evidence.count,
      kinds: events.map((event) => event.kind),
    }).toEqual({
      ownAlert: true,
      sameIncident: true,
      level: 'crisis',
      timeline: ['alert-joined'],
      crisisHits: 1,
      // It pages nobody by itself: the incident's next page will name it.
      kinds: ['alert.opened', 'incident.updated'],
    });
  });
});
