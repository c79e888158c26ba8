import type { AlertEvent } from '@tocsin/alerting';
import type { TriggerHit } from '@tocsin/crisis-plan';
import type { Clock } from '@tocsin/domain';
import { PlanSource } from '@tocsin/plan-source';
import { AlertStore, RedisKeys, SilenceStore } from '@tocsin/redis';
import Redis from 'ioredis';
import { AlertService } from '../../apps/gateway/src/alert.service';
import { WebhookOutbox } from '../../apps/gateway/src/webhook.outbox';
import { REDIS_URL, TestRun } from '../support/test-infra';

const silentLogger = { log: () => undefined, warn: () => undefined };

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

interface GatewayInstance {
  service: AlertService;
  events: AlertEvent[];
  close(): Promise<void>;
}

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

describe('AlertService on real Redis', () => {
  const run = new TestRun();
  const plan = new PlanSource('config/test/e2e-plan.yaml', silentLogger);

  beforeAll(() => plan.start({ watch: false }));
  afterAll(() => run.cleanUp());

  /** One gateway's alerting: its own Redis connection, as a separate process would have. */
  function startInstance(clock: Clock): GatewayInstance {
    const redis = new Redis(REDIS_URL);
    const keys = new RedisKeys(run.keyPrefix);
    const events: AlertEvent[] = [];
    const service = new AlertService(
      new AlertStore(redis, keys),
      new SilenceStore(redis, keys),
      new WebhookOutbox(redis, keys, clock),
      plan,
      clock,
      () => ({ broadcast: (event) => events.push(event) }),
      { consoleUrl: 'http://127.0.0.1/console.html' },
    );
    return { service, events, close: async () => void (await redis.quit()) };
  }

  const escalationsTo = (instances: GatewayInstance[], userId: string) =>
    instances
      .flatMap((instance) => instance.events)
      .filter(
        (event): event is Extract<AlertEvent, { kind: 'alert.escalated' }> =>
          event.kind === 'alert.escalated' && event.notification.recipients.includes(userId),
      );

  it('fires each escalation exactly once with two gateway instances polling the same timers', async () => {
    const clock = new ManualClock(Date.parse('2026-11-23T10:00:00Z'));
    const instances = [startInstance(clock), startInstance(clock)];
    const [first, second] = instances as [GatewayInstance, GatewayInstance];
    const alert = await first.service.handleHit(influencerHit(clock.now()));
    expect(escalationsTo(instances, 'camille')).toHaveLength(1);

    clock.advance(3_000);
    // Both instances race for the due step many times over.
    await Promise.all(Array.from({ length: 10 }, () => [first.service.runDue(), second.service.runDue()]).flat());

    expect(escalationsTo(instances, 'sophie')).toHaveLength(1);
    const stored = await first.service.get(alert?.id ?? '');
    expect(stored?.audit.filter((entry) => entry.action === 'notified')).toHaveLength(2);
    await Promise.all(instances.map((instance) => instance.close()));
  });

  it('keeps alerts and escalation timers across a restart of the gateway', async () => {
    const clock = new ManualClock(Date.parse('2026-11-23T12:00:00Z'));
    const before = startInstance(clock);
    const alert = await before.service.handleHit({ ...influencerHit(clock.now()), brandId: 'fleurie' });
    await before.close();

    clock.advance(3_500);
    const after = startInstance(clock);
    await after.service.runDue();
    expect(escalationsTo([after], 'sophie').map((event) => event.alert.id)).toEqual([alert?.id]);
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
    for (const hit of hits) alerts.push(await instance.service.handleHit(hit));
    expect(new Set(alerts.map((alert) => alert?.id)).size).toBe(1);
    expect(alerts.at(-1)?.evidence.count).toBe(4);
    await instance.close();
  });

  it("feeds a lower-level hit into the brand's live crisis instead of paging again", async () => {
    const clock = new ManualClock(Date.parse('2026-11-23T16:00:00Z'));
    const instance = startInstance(clock);
    const crisis = await instance.service.handleHit({
      ...influencerHit(clock.now()),
      brandId: 'inhibited-brand',
      triggerId: 'crisis-words',
      group: 'crisis-words',
      level: 'crisis',
    });
    const pagesBefore = instance.events.filter((event) => event.kind === 'alert.escalated').length;
    const folded = await instance.service.handleHit({ ...influencerHit(clock.now() + 1), brandId: 'inhibited-brand' });

    expect(folded?.id).toBe(crisis?.id);
    expect(folded?.evidence.count).toBe(2);
    expect(instance.events.filter((event) => event.kind === 'alert.escalated')).toHaveLength(pagesBefore);
    expect(instance.events.filter((event) => event.kind === 'alert.opened')).toHaveLength(1);
    await instance.close();
  });
});
