import { AlertActions } from '@tocsin/alert-actions';
import type { Alert, ConsoleEvent, Incident } from '@tocsin/alerting';
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

/** The e2e plan (alerts page on their own) and the same plan grouping alerts into incidents by brand. */
function planFiles(): { off: string; on: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-hit-batches-int-'));
  const text = readFileSync('config/test/e2e-plan.yaml', 'utf8');
  const on = join(dir, 'with-incidents.yaml');
  writeFileSync(on, `${text}\nincidents:\n  groupBy: [brand]\n`);
  return { off: 'config/test/e2e-plan.yaml', on };
}

function hitOf(group: string, brandId: string, n: number, level: 'alert' | 'crisis' = 'alert'): TriggerHit {
  const trigger = level === 'crisis' ? 'crisis-words' : 'influencer-negative';
  return {
    kind: 'trigger',
    triggerId: trigger,
    triggerKind: level === 'crisis' ? 'crisis-vocabulary' : 'influential-negative',
    brandId,
    level,
    group,
    planVersion: 'e2e-1',
    reason: `${trigger} on ${brandId} (${group} #${n})`,
    evidence: { mentionKey: `twitter:${group}-${n}`, author: `@fan${n}`, followers: 250_000 },
    atMs: T0 + n,
  };
}

/**
 * A crisis storm, interleaved as the pipeline sends it: fleurie's g1 and g2 open alerts (g2
 * rises to crisis mid-storm), voltaway's g3 opens one, g4 a crisis, and g5's lower hits come
 * while g4 is live (inhibited: they feed g4, unless the plan's incidents gather them, then g5
 * opens and joins the incident). A replayed mention of g1 is in it too.
 */
function storm(): TriggerHit[] {
  const lanes: TriggerHit[][] = [
    Array.from({ length: 12 }, (_, n) => hitOf('g1', 'fleurie', n)),
    [
      ...Array.from({ length: 6 }, (_, n) => hitOf('g2', 'fleurie', n)),
      hitOf('g2', 'fleurie', 6, 'crisis'),
      ...Array.from({ length: 3 }, (_, n) => hitOf('g2', 'fleurie', 7 + n)),
    ],
    Array.from({ length: 8 }, (_, n) => hitOf('g3', 'voltaway', n)),
    [hitOf('g4', 'voltaway', 0, 'crisis'), hitOf('g4', 'voltaway', 1, 'crisis')],
    [hitOf('g1', 'fleurie', 3), ...Array.from({ length: 4 }, (_, n) => hitOf('g5', 'voltaway', n))],
  ];
  const hits: TriggerHit[] = [];
  for (let round = 0; lanes.some((lane) => lane.length > round); round += 1) {
    for (const lane of lanes) {
      const hit = lane[round];
      if (hit) hits.push(hit);
    }
  }
  return hits;
}

/** What a person sees of a run, with ids replaced by groups and brands so two runs compare. */
interface Outcome {
  alerts: Record<string, { level: string; state: string; count: number; incident: string | null; audit: string[] }>;
  incidents: Record<string, { level: string; state: string; members: string[]; timeline: string[] }>;
  /** Every console event but alert.updated, as "kind subject", sorted. */
  events: string[];
  /** Every page: who and how many joined alerts it names. */
  pages: string[];
  updates: number;
}

function outcomeOf(alerts: Alert[], incidents: Incident[], events: ConsoleEvent[]): Outcome {
  const groupOf = new Map(alerts.map((alert) => [alert.id, alert.groupKey]));
  const brandOf = new Map(incidents.map((incident) => [incident.id, `incident ${incident.brandId}`]));
  const subject = (event: ConsoleEvent): string =>
    'alert' in event ? event.alert.groupKey : (brandOf.get(event.incident.id) ?? event.incident.id);
  return {
    alerts: Object.fromEntries(
      alerts.map((alert) => [
        alert.groupKey,
        {
          level: alert.level,
          state: alert.state,
          count: alert.evidence.count,
          incident: alert.incidentId === undefined ? null : (brandOf.get(alert.incidentId) ?? alert.incidentId),
          audit: alert.audit.map((entry) => entry.action),
        },
      ]),
    ),
    incidents: Object.fromEntries(
      incidents.map((incident) => [
        incident.brandId,
        {
          level: incident.level,
          state: incident.state,
          members: incident.alerts.map((member) => groupOf.get(member.alertId) ?? member.alertId),
          timeline: incident.timeline.map((entry) => `${entry.action} ${groupOf.get(entry.alertId ?? '') ?? ''}`),
        },
      ]),
    ),
    events: events
      .filter((event) => event.kind !== 'alert.updated')
      .map((event) => `${event.kind} ${subject(event)}`)
      .sort(),
    pages: events
      .flatMap((event) => {
        if (event.kind === 'incident.escalated') {
          const { notification } = event;
          return [
            `${subject(event)} step ${notification.step}: ${notification.recipients.join('+')}, ${notification.joinedAlertIds.length} joined`,
          ];
        }
        if (event.kind === 'alert.escalated') {
          return [`${subject(event)} step ${event.notification.step}: ${event.notification.recipients.join('+')}`];
        }
        return [];
      })
      .sort(),
    updates: events.filter((event) => event.kind === 'alert.updated').length,
  };
}

describe('AlertActions.handleHits on real Redis', () => {
  const run = new TestRun();
  const files = planFiles();
  const plans = { off: new PlanSource(files.off, silentLogger), on: new PlanSource(files.on, silentLogger) };
  const connections: Redis[] = [];
  let nowMs = T0;
  const clock: Clock = { now: () => nowMs };
  let space = 0;

  beforeAll(() => Promise.all([plans.off.start({ watch: false }), plans.on.start({ watch: false })]));
  afterAll(async () => {
    await Promise.all(connections.map((redis) => redis.quit()));
    await run.cleanUp();
  });

  /** An alerter on its own connection; instances of one `space` share their alerts and incidents. */
  function instance(plan: PlanSource, keySpace: number) {
    const redis = new Redis(REDIS_URL);
    connections.push(redis);
    const keys = new RedisKeys(`${run.keyPrefix}${keySpace}:`);
    const outbox = new OutboxStore(redis, keys);
    const alerts = new AlertStore(redis, keys, outbox);
    const options = { consoleUrl: 'http://127.0.0.1/console.html' };
    const actions = new AlertActions(alerts, new SilenceStore(redis, keys), plan, clock, options, silentLogger);
    const outcome = async (): Promise<Outcome> => {
      const claimed = await outbox.claimDue(Number.MAX_SAFE_INTEGER, 1_000, 10_000);
      const events = claimed.flatMap(({ message }) => (message.channel === 'socket' ? [message.event] : []));
      const incidents = await alerts.listIncidents({ limit: 100 });
      return outcomeOf(await alerts.list({ limit: 100 }), incidents, events);
    };
    return { actions, alerts, outcome };
  }

  /** The storm one hit at a time (as the alerter did) and in one batch, each in a key space of its own. */
  async function bothWays(plan: PlanSource): Promise<{ oneByOne: Outcome; batched: Outcome }> {
    const single = instance(plan, (space += 1));
    // A millisecond apart, as hits one by one are: two changes of one instant would give their
    // console events the same key, and the outbox would keep one.
    for (const hit of storm()) {
      nowMs += 1;
      await single.actions.handleHit(hit);
    }
    const batch = instance(plan, (space += 1));
    await batch.actions.handleHits(storm());
    return { oneByOne: await single.outcome(), batched: await batch.outcome() };
  }

  it('ends, with incidents, in the alerts, incidents and pages that hits one by one end in', async () => {
    const { oneByOne, batched } = await bothWays(plans.on);

    expect({ ...batched, updates: 0 }).toEqual({ ...oneByOne, updates: 0 });
    expect(batched.incidents).toEqual({
      fleurie: {
        level: 'crisis',
        state: 'open',
        members: ['fleurie/g1', 'fleurie/g2'],
        timeline: ['opened fleurie/g1', 'notified ', 'alert-joined fleurie/g2', 'level-raised fleurie/g2', 'notified '],
      },
      voltaway: {
        level: 'crisis',
        state: 'open',
        members: ['voltaway/g3', 'voltaway/g4', 'voltaway/g5'],
        timeline: [
          'opened voltaway/g3',
          'notified ',
          'alert-joined voltaway/g4',
          'level-raised voltaway/g4',
          'notified ',
          'alert-joined voltaway/g5',
        ],
      },
    });
    // g5 joined the crisis's incident below its level: no page of its own (replayed g1 #3 counted once).
    expect(Object.keys(batched.alerts).sort()).toEqual([
      'fleurie/g1',
      'fleurie/g2',
      'voltaway/g3',
      'voltaway/g4',
      'voltaway/g5',
    ]);
    expect(batched.alerts['fleurie/g1']?.count).toBe(12);
    expect(batched.alerts['voltaway/g4']?.count).toBe(2);
    expect(batched.alerts['voltaway/g5']?.count).toBe(4);
    // The crisis page after g2 joined names it: "1 more signal joined".
    expect(batched.pages).toContain('incident fleurie step 0: camille, 1 joined');
    // One console update per transaction: one per group.
    expect(batched.updates).toBe(5);
    expect(oneByOne.updates).toBeGreaterThan(20);
  });

  it('ends, without incidents, in the alerts and pages that hits one by one end in', async () => {
    const { oneByOne, batched } = await bothWays(plans.off);

    expect({ ...batched, updates: 0 }).toEqual({ ...oneByOne, updates: 0 });
    expect(batched.incidents).toEqual({});
    expect(batched.alerts['fleurie/g2']).toMatchObject({
      level: 'crisis',
      count: 10,
      audit: ['opened', 'notified', 'upgraded', 'notified'],
    });
    expect(batched.alerts['voltaway/g4']).toMatchObject({ level: 'crisis', count: 6, incident: null });
    expect(batched.alerts['voltaway/g5']).toBeUndefined();
    expect(batched.pages).toEqual([
      'fleurie/g1 step 0: camille',
      'fleurie/g2 step 0: camille',
      'fleurie/g2 step 0: camille',
      'voltaway/g3 step 0: camille',
      'voltaway/g4 step 0: camille',
    ]);
  });

  it('opens one incident when two alerter instances apply batches of one brand at the same time', async () => {
    const keySpace = (space += 1);
    const [first, second] = [instance(plans.on, keySpace), instance(plans.on, keySpace)];
    const batchOf = (groups: string[]) => groups.flatMap((group) => [0, 1, 2].map((n) => hitOf(group, 'fleurie', n)));
    await Promise.all([
      first.actions.handleHits(batchOf(['a1', 'a2', 'a3'])),
      second.actions.handleHits(batchOf(['b1', 'b2', 'b3'])),
    ]);
    const { incidents, pages } = await first.outcome();
    expect(incidents.fleurie?.members.slice().sort()).toEqual([
      'fleurie/a1',
      'fleurie/a2',
      'fleurie/a3',
      'fleurie/b1',
      'fleurie/b2',
      'fleurie/b3',
    ]);
    expect(pages).toEqual(['incident fleurie step 0: camille, 0 joined']);
  });
});
