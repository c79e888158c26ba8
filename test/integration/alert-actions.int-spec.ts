import type { Actor } from '@tocsin/access';
import { AlertActions } from '@tocsin/alert-actions';
import type { AlertEvent, ConsoleEvent, OutboxMessage } from '@tocsin/alerting';
import type { TriggerHit } from '@tocsin/crisis-plan';
import type { Clock } from '@tocsin/domain';
import { PlanSource } from '@tocsin/plan-source';
import { AlertStore, OutboxStore, RedisKeys, SilenceStore } from '@tocsin/redis';
import Redis from 'ioredis';
import { REDIS_URL, TestRun } from '../support/test-infra';

const silentLogger = { log: () => undefined, warn: () => undefined };
const CAMILLE: Actor = { username: 'camille', personId: 'camille', role: 'cm', brandIds: ['fleurie'] };

/** A clock the test moves by hand, shared by every instance of a scenario. */
class ManualClock implements Clock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

interface AlerterInstance {
  actions: AlertActions;
  alerts: AlertStore;
  close(): Promise<void>;
}

type Escalated = Extract<AlertEvent, { kind: 'alert.escalated' }>;

function influencerHit(atMs: number): TriggerHit {
  return {
    kind: 'trigger',
    triggerId: 'influencer-negative',
    triggerKind: 'influential-negative',
    brandId: 'voltaway',
    level: 'alert',
    group: 'influencer-negative',
    planVersion: 'e2e-1',
    reason: 'Negative mention by @techstar (250k followers) on twitter',
    evidence: { mentionKey: `twitter:${atMs}`, author: '@techstar', followers: 250_000 },
    atMs,
  };
}

describe('AlertActions on real Redis', () => {
  const run = new TestRun();
  const plan = new PlanSource('config/test/e2e-plan.yaml', silentLogger);
  const keys = new RedisKeys(run.keyPrefix);
  const outbox = new OutboxStore(run.redis, keys);

  beforeAll(() => plan.start({ watch: false }));
  afterAll(() => run.cleanUp());

  /** One alerter's (or gateway's) actions: its own Redis connection, as a separate process would have. */
  function startInstance(clock: Clock): AlerterInstance {
    const redis = new Redis(REDIS_URL);
    const alerts = new AlertStore(redis, keys, new OutboxStore(redis, keys));
    const actions = new AlertActions(
      alerts,
      new SilenceStore(redis, keys),
      plan,
      clock,
      { consoleUrl: 'http://127.0.0.1/console.html' },
      silentLogger,
    );
    return { actions, alerts, close: async () => void (await redis.quit()) };
  }

  /** Everything the changes so far left in the outbox, taken out of it, in sending order. */
  async function drainOutbox(): Promise<OutboxMessage[]> {
    const claimed = await outbox.claimDue(Number.MAX_SAFE_INTEGER, 1_000, 10_000);
    await outbox.finish(claimed.map((item) => item.member));
    return claimed.map((item) => item.message);
  }

  const eventsOf = (messages: OutboxMessage[]): ConsoleEvent[] =>
    messages.flatMap((message) => (message.channel === 'socket' ? [message.event] : []));
  const escalationsTo = (events: ConsoleEvent[], userId: string): Escalated[] =>
    events.filter(
      (event): event is Escalated => event.kind === 'alert.escalated' && event.notification.recipients.includes(userId),
    );

  it('fires each escalation exactly once with two alerter instances polling the same timers', async () => {
    const clock = new ManualClock(Date.parse('2026-11-23T10:00:00Z'));
    const [first, second] = [startInstance(clock), startInstance(clock)];
    const alert = await first.actions.handleHit(influencerHit(clock.now()));
    expect(escalationsTo(eventsOf(await drainOutbox()), 'camille')).toHaveLength(1);

    clock.advance(3_000);
    // Both instances race for the due step many times over.
    await Promise.all(Array.from({ length: 10 }, () => [first.actions.runDue(), second.actions.runDue()]).flat());

    expect(escalationsTo(eventsOf(await drainOutbox()), 'sophie')).toHaveLength(1);
    const stored = await first.alerts.get(alert?.id ?? '');
    expect(stored?.audit.filter((entry) => entry.action === 'notified')).toHaveLength(2);
    await Promise.all([first.close(), second.close()]);
  });

  it('stores each change with its messages: the opening, its page and the events come out together, in order', async () => {
    const clock = new ManualClock(Date.parse('2026-11-23T11:00:00Z'));
    const instance = startInstance(clock);
    const alert = await instance.actions.handleHit({ ...influencerHit(clock.now()), brandId: 'fleurie' });
    const messages = await drainOutbox();
    expect(messages.map((message) => (message.channel === 'socket' ? message.event.kind : message.channel))).toEqual([
      'alert.opened',
      'alert.escalated',
    ]);
    expect(messages.every((message) => message.alertId === alert?.id)).toBe(true);

    const acknowledged = await instance.actions.acknowledge(alert?.id ?? '', CAMILLE, 'on it');
    expect(acknowledged.ok).toBe(true);
    expect(eventsOf(await drainOutbox()).map((event) => event.kind)).toEqual(['alert.acknowledged']);
    await instance.close();
  });

  it('keeps alerts and escalation timers across a restart of the alerter', async () => {
    const clock = new ManualClock(Date.parse('2026-11-23T12:00:00Z'));
    const before = startInstance(clock);
    const alert = await before.actions.handleHit({
      ...influencerHit(clock.now()),
      brandId: 'fleurie',
      group: 'restart',
    });
    await before.close();
    await drainOutbox();

    clock.advance(3_500);
    const after = startInstance(clock);
    await after.actions.runDue();
    expect(escalationsTo(eventsOf(await drainOutbox()), 'sophie').map((event) => event.alert.id)).toEqual([alert?.id]);
    await after.close();
  });

  it('folds repeated hits of one group into one alert instead of a flood', async () => {
    const clock = new ManualClock(Date.parse('2026-11-23T14:00:00Z'));
    const instance = startInstance(clock);
    const hits = [0, 1, 2, 3].map((i) => ({
      ...influencerHit(clock.now() + i),
      group: 'flood',
      evidence: { mentionKey: `twitter:flood-${i}` },
    }));
    const alerts = [];
    for (const hit of hits) alerts.push(await instance.actions.handleHit(hit));
    expect(new Set(alerts.map((alert) => alert?.id)).size).toBe(1);
    expect(alerts.at(-1)?.evidence.count).toBe(4);
    await drainOutbox();
    await instance.close();
  });

  it("feeds a lower-level hit into the brand's live crisis instead of paging again", async () => {
    const clock = new ManualClock(Date.parse('2026-11-23T16:00:00Z'));
    const instance = startInstance(clock);
    const crisis = await instance.actions.handleHit({
      ...influencerHit(clock.now()),
      brandId: 'inhibited-brand',
      triggerId: 'crisis-words',
      group: 'crisis-words',
      level: 'crisis',
    });
    await drainOutbox();
    const folded = await instance.actions.handleHit({ ...influencerHit(clock.now() + 1), brandId: 'inhibited-brand' });

    expect(folded?.id).toBe(crisis?.id);
    expect(folded?.evidence.count).toBe(2);
    expect(eventsOf(await drainOutbox()).map((event) => event.kind)).toEqual(['alert.updated']);
    await instance.close();
  });
});
