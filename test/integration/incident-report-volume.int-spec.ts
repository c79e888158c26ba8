import {
  applyHit,
  placeAlert,
  REPORT_LEAD_IN_MS,
  resolveIncident,
  type Incident,
  type IncidentReport,
} from '@tocsin/alerting';
import { loadPlanFile, formatPlanError, type CrisisPlan } from '@tocsin/crisis-plan';
import type { SpikeSignal } from '@tocsin/domain';
import { RecordPublisher } from '@tocsin/kafka';
import { DEFAULT_VOLUME_HISTORY_MS, RedisKeys, VolumeHistoryStore, type VolumeReading } from '@tocsin/redis';
import { hitWith } from '../../libs/alerting/src/testing/alert-fixture';
import { signInNewAccount } from '../support/sessions';
import { isGroupCaughtUp, TestRun } from '../support/test-infra';
import { startGateway, type RunningGateway } from '../support/tocsin-apps';
import { waitUntil } from '../support/wait-for';

const PLAN_FILE = 'config/test/reply-incident-plan.yaml';
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

function readings(brandId: string, fromMs: number, minutes: number, mentions: (minute: number) => number) {
  return Array.from({ length: minutes }, (_, minute): VolumeReading[] => {
    const intervalStartMs = fromMs + minute * MINUTE_MS;
    return [
      { brandId, intervalStartMs, metric: 'volume', observed: mentions(minute) },
      { brandId, intervalStartMs, metric: 'negativeVolume', observed: Math.floor(mentions(minute) / 2) },
    ];
  }).flat();
}

describe(VolumeHistoryStore.name, () => {
  const run = new TestRun();
  const sut = new VolumeHistoryStore(run.redis, new RedisKeys(run.keyPrefix));
  const nowMs = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;

  afterAll(async () => {
    await run.cleanUp();
  });

  it('gives back two days of 1-minute counts in order, the same after a redelivery, brands apart', async () => {
    const fromMs = nowMs - 2 * DAY_MS;
    const twoDays = readings('fleurie', fromMs, 2 * 24 * 60, (minute) => 1 + (minute % 7));
    await sut.record(twoDays, nowMs);
    await sut.record(twoDays.slice(0, 500), nowMs);
    await sut.record(
      readings('voltaway', fromMs, 60, () => 99),
      nowMs,
    );
    const kept = await sut.range('fleurie', fromMs, nowMs, nowMs);
    expect({
      intervals: kept.length,
      first: kept[0],
      mentions: kept.reduce((sum, interval) => sum + interval.mentions, 0),
      ordered: kept.every((interval, i) => i === 0 || interval.intervalStartMs > (kept[i - 1]?.intervalStartMs ?? 0)),
    }).toEqual({
      intervals: 2 * 24 * 60,
      first: { intervalStartMs: fromMs, mentions: 1, negative: 0 },
      mentions: twoDays.filter((r) => r.metric === 'volume').reduce((sum, r) => sum + r.observed, 0),
      ordered: true,
    });
  });

  it('keeps one small hash per brand and hour, expiring 14 days after its hour, and drops readings already older', async () => {
    await sut.record(
      readings('fleurie', nowMs - DEFAULT_VOLUME_HISTORY_MS - 2 * HOUR_MS, 30, () => 5),
      nowMs,
    );
    const keys = await run.redis.keys(`${run.keyPrefix}volume:fleurie:*`);
    expect(keys.length).toBeGreaterThanOrEqual(48);
    expect(keys.length).toBeLessThanOrEqual(49);
    const key = keys.sort()[0] ?? '';
    // 120 fields of small numbers: Redis's compact listpack encoding, well under 2 kB an hour.
    expect(await run.redis.object('ENCODING', key)).toBe('listpack');
    expect(Number(await run.redis.call('MEMORY', 'USAGE', key))).toBeLessThan(2_048);
    const ttlMs = await run.redis.pttl(key);
    expect(ttlMs).toBeGreaterThan(DEFAULT_VOLUME_HISTORY_MS - 2 * DAY_MS);
    expect(ttlMs).toBeLessThanOrEqual(DEFAULT_VOLUME_HISTORY_MS + HOUR_MS);
  });
});

describe('crisis report volume over a three-day incident, from the gateway’s history of alerts.signals', () => {
  const run = new TestRun();
  const publisher = new RecordPublisher(run.kafka);
  let gateway: RunningGateway;
  let plan: CrisisPlan;
  const resolvedAtMs = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
  const openedAtMs = resolvedAtMs - 3 * DAY_MS;
  /** One interval a minute, 45 minutes before the lead-in to the end; 60 mentions in the first minute of day 2. */
  const firstMinuteMs = openedAtMs - REPORT_LEAD_IN_MS - 15 * MINUTE_MS;
  const minutes = (resolvedAtMs - firstMinuteMs) / MINUTE_MS + 1;
  const burstMs = openedAtMs + DAY_MS;
  const mentionsAt = (startMs: number) => (startMs === burstMs ? 60 : 2);

  beforeAll(async () => {
    const loaded = await loadPlanFile(PLAN_FILE);
    if (!loaded.ok) throw new Error(loaded.errors.map(formatPlanError).join('\n'));
    plan = loaded.plan;
    await run.createTopics();
    await publisher.connect();
    gateway = await startGateway(run.env({ PLAN_FILE }));
  });

  afterAll(async () => {
    await gateway?.app.close();
    await publisher.disconnect();
    await run.cleanUp();
  });

  /** An incident opened three days ago by crisis words and resolved a minute ago, as the alerter stores it. */
  async function storeIncident(): Promise<Incident> {
    const hit = hitWith({ brandId: 'fleurie', triggerId: 'crisis-words', group: 'crisis-words', level: 'watch' });
    const alert = applyHit(undefined, hit, plan, openedAtMs, 'a-long').alert;
    const placed = placeAlert(undefined, alert, plan, { groupBy: ['brand'] }, openedAtMs, 'i-long');
    const resolved = resolveIncident(placed.incident, placed.alerts, 'camille', resolvedAtMs, 'calm again');
    if (!resolved.ok) throw new Error(resolved.error.message);
    await run.redis.set(`${run.keyPrefix}incident:i-long`, JSON.stringify(resolved.incident));
    await run.redis.set(`${run.keyPrefix}alert:a-long`, JSON.stringify(resolved.alerts[0]));
    return resolved.incident;
  }

  it('charts the whole incident from its lead-in to its resolution, not only the wall’s last two hours', async () => {
    const incident = await storeIncident();
    const signals = Array.from({ length: minutes }, (_, minute) => {
      const startMs = firstMinuteMs + minute * MINUTE_MS;
      const base = {
        kind: 'spike' as const,
        brandId: 'fleurie',
        intervalStart: new Date(startMs).toISOString(),
        intervalEnd: new Date(startMs + MINUTE_MS).toISOString(),
        expected: 2,
        lower: 0,
        upper: 6,
        score: 0,
        alert: false,
        explanation: 'usual',
      };
      const volume: SpikeSignal = { ...base, metric: 'volume', observed: mentionsAt(startMs) };
      const negative: SpikeSignal = { ...base, metric: 'negativeVolume', observed: mentionsAt(startMs) / 2 };
      return [volume, negative];
    }).flat();
    const records = signals.map((signal) => ({ key: 'brand:fleurie', value: JSON.stringify(signal) }));
    for (let start = 0; start < records.length; start += 1_000) {
      await publisher.publish(run.topic('alerts.signals'), records.slice(start, start + 1_000));
    }
    await waitUntil(
      'the gateway to read every volume signal',
      async () =>
        (await isGroupCaughtUp(run.kafka, `${run.id}-gateway-signals`, run.topic('alerts.signals'))) ? true : undefined,
      60_000,
    );

    const session = await signInNewAccount(run, gateway.url, {
      username: 'camille',
      personId: 'camille',
      role: 'cm',
      brandIds: ['fleurie'],
    });
    const response = await session.fetch(`/v1/incidents/${incident.id}/report`);
    expect(response.status).toBe(200);
    const report = (await response.json()) as IncidentReport;
    const leadInMs = openedAtMs - REPORT_LEAD_IN_MS;
    const charted = minutes - 15;
    expect({
      stepMs: report.volume.stepMs,
      first: report.volume.points[0]?.intervalStartMs,
      last: report.volume.points.at(-1)?.intervalStartMs,
      totals: report.volume.totals,
    }).toEqual({
      stepMs: 30 * MINUTE_MS,
      first: Math.floor(leadInMs / (30 * MINUTE_MS)) * 30 * MINUTE_MS,
      last: Math.floor(resolvedAtMs / (30 * MINUTE_MS)) * 30 * MINUTE_MS,
      totals: {
        mentions: charted * 2 + 58,
        negative: charted + 29,
        negativeSharePct: 50,
        peakPerMin: 60,
      },
    });
    // The wall still gets its last 240 verdicts only; the report does not depend on them.
    expect(await run.redis.llen(`${run.keyPrefix}recent-signals:fleurie`)).toBeLessThanOrEqual(240);
  });
});
