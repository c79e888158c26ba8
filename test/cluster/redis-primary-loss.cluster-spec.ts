import { AlertActions } from '@tocsin/alert-actions';
import type { ConsoleEvent } from '@tocsin/alerting';
import type { TriggerHit } from '@tocsin/crisis-plan';
import type { Clock } from '@tocsin/domain';
import { PlanSource } from '@tocsin/plan-source';
import {
  AlertStore,
  createRedis,
  OutboxStore,
  RedisKeys,
  redisEnvironmentSchema,
  SilenceStore,
  toRedisSettings,
} from '@tocsin/redis';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { waitUntil } from '../support/wait-for';
import { CLUSTER_ENV, reportFigure, restartMissingNodes } from './cluster-infra';

class ManualClock implements Clock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

const sentinelHost = CLUSTER_ENV.REDIS_SENTINELS.split(',')[0] ?? '';
const sentinel = new Redis({ host: sentinelHost.split(':')[0], port: Number(sentinelHost.split(':')[1]) });

async function primaryAddress(): Promise<string> {
  const [host, port] = (await sentinel.call(
    'SENTINEL',
    'get-master-addr-by-name',
    CLUSTER_ENV.REDIS_SENTINEL_NAME,
  )) as [string, string];
  return `${host}:${port}`;
}

async function replicaAddress(): Promise<string> {
  const replicas = (await sentinel.call('SENTINEL', 'replicas', CLUSTER_ENV.REDIS_SENTINEL_NAME)) as string[][];
  const fields = replicas
    .map((flat) => new Map(flat.flatMap((value, index) => (index % 2 === 0 ? [[value, flat[index + 1] ?? '']] : []))))
    .find((replica) => !/s_down|o_down|disconnected/.test(replica.get('flags') ?? ''));
  if (!fields) throw new Error('the sentinels know no live replica');
  return `${fields.get('ip')}:${fields.get('port')}`;
}

function direct(address: string): Redis {
  const [host, port] = address.split(':');
  return new Redis({ host, port: Number(port), maxRetriesPerRequest: 1, lazyConnect: true });
}

describe('Redis Sentinel: the primary killed while an escalation step is due', () => {
  const keys = new RedisKeys(`tocsin-cluster:r${randomUUID().slice(0, 8)}:`);
  const plan = new PlanSource('config/test/e2e-plan.yaml', { log: () => undefined, warn: () => undefined });
  const settings = toRedisSettings(redisEnvironmentSchema.parse(CLUSTER_ENV));
  const redis = createRedis(settings, 'tocsin-cluster-test');
  // Connection errors during the failover are expected here; the assertions judge the outcome.
  redis.on('error', () => undefined);

  beforeAll(() => plan.start({ watch: false }));
  afterAll(async () => {
    redis.disconnect();
    sentinel.disconnect();
  });

  it('fires the step exactly once after the failover, with the alert intact, and the old primary rejoins', async () => {
    const clock = new ManualClock(Date.parse('2026-11-23T10:00:00Z'));
    const outbox = new OutboxStore(redis, keys);
    const alerts = new AlertStore(redis, keys, outbox, settings.confirmation);
    const actions = new AlertActions(
      alerts,
      new SilenceStore(redis, keys),
      plan,
      clock,
      { consoleUrl: 'http://127.0.0.1/console.html' },
      { log: () => undefined },
    );
    // What the alerter's relay would publish: the console events its changes left in the outbox.
    const events: ConsoleEvent[] = [];
    const relay = async (): Promise<void> => {
      const claimed = await outbox.claimDue(Number.MAX_SAFE_INTEGER, 10_000, 1_000);
      await outbox.finish(claimed.map((item) => item.member));
      for (const { message } of claimed) if (message.channel === 'socket') events.push(message.event);
    };
    const hit: TriggerHit = {
      kind: 'trigger',
      triggerId: 'influencer-negative',
      triggerKind: 'influential-negative',
      brandId: 'voltaway',
      level: 'alert',
      group: 'influencer-negative',
      planVersion: 'e2e-1',
      reason: 'Negative mention by @techstar (250k followers) on twitter',
      evidence: { mentionKey: `twitter:${clock.now()}`, author: '@techstar', followers: 250_000 },
      atMs: clock.now(),
    };
    const opened = await actions.handleHit(hit);
    expect(opened?.state).toBe('open');
    const before = await alerts.get(opened?.id ?? '');

    // The manager's step is due; the primary dies before any alerter runs it.
    clock.advance(3_500);
    const oldPrimary = await primaryAddress();
    const victim = direct(oldPrimary);
    // The scenario is a primary lost after the alert was confirmed on its replica: on this
    // loaded box a WAIT can outlast its timeout (the change then counts unconfirmed, and a
    // failover may lose it, by design), so the test waits until the replica holds the alert.
    const replica = direct(await replicaAddress());
    await waitUntil(
      `the replica of ${oldPrimary} to hold the alert and its escalation timer`,
      async () =>
        (await replica.exists(keys.key('alert', opened?.id ?? ''))) === 1 &&
        (await replica.zscore(keys.key('alerts', 'escalations-due'), opened?.id ?? '')) !== null
          ? true
          : undefined,
      30_000,
    );
    replica.disconnect();
    const pid = Number(/process_id:(\d+)/.exec(await victim.info('server'))?.[1]);
    victim.disconnect();
    process.kill(pid, 'SIGKILL');
    const killedAtMs = Date.now();

    const escalatedToSophie = () =>
      events.filter((event) => event.kind === 'alert.escalated' && event.notification.recipients.includes('sophie'));
    // Every alerter keeps polling; polls fail until the sentinels promote the replica. An
    // alerter's clock runs meanwhile: a timer claimed by a poll that failed half-way is taken
    // again once its lease is over, as a live alerter would.
    let lastPollMs = Date.now();
    let lastFailure = 'none';
    await waitUntil(
      'the escalation to run after the failover',
      async () => {
        clock.advance(Date.now() - lastPollMs);
        lastPollMs = Date.now();
        await actions.runDue().catch((error: unknown) => (lastFailure = `runDue: ${String(error)}`));
        await relay().catch((error: unknown) => (lastFailure = `relay: ${String(error)}`));
        return escalatedToSophie().length > 0 ? true : undefined;
      },
      30_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; last poll failure: ${lastFailure}`);
    });
    reportFigure('redis: primary killed → due escalation fired on the new primary', Date.now() - killedAtMs);
    const newPrimary = await primaryAddress();
    expect(newPrimary).not.toBe(oldPrimary);

    for (let poll = 0; poll < 10; poll += 1) await actions.runDue();
    await relay();
    expect(escalatedToSophie()).toHaveLength(1);
    const after = await alerts.get(opened?.id ?? '');
    expect(after).toMatchObject({ id: before?.id, state: 'open', openedAtMs: before?.openedAtMs });
    expect(after?.audit.filter((entry) => entry.action === 'notified')).toHaveLength(2);

    const restartedAtMs = Date.now();
    await restartMissingNodes();
    const rejoined = direct(oldPrimary);
    await waitUntil(
      `the old primary ${oldPrimary} to replicate from ${newPrimary}`,
      async () => {
        const info = await rejoined.info('replication').catch(() => '');
        return /role:slave/.test(info) && /master_link_status:up/.test(info) ? true : undefined;
      },
      60_000,
    );
    rejoined.disconnect();
    reportFigure(`redis: old primary ${oldPrimary} restarted and replicating again`, Date.now() - restartedAtMs);
    // A confirmed write now waits for the rejoined replica again.
    expect(await redis.wait(1, 2_000)).toBe(1);
  }, 300_000);
});
