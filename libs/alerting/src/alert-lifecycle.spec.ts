import { planWith } from '../../crisis-plan/src/testing/plan-fixture';
import { acknowledge, alertGroupKey, applyHit, autoResolveAtMs, autoResolveDue, resolve } from './alert-lifecycle';
import { alertSchema, MAX_ALERT_SAMPLES, type Alert } from './alert.schema';
import { createFakeClock, hitWith } from './testing/alert-fixture';

const T0 = Date.parse('2026-01-07T09:00:00+01:00');
const MINUTE_MS = 60_000;
const plan = planWith();

function opened(clock = createFakeClock(T0)): Alert {
  return applyHit(undefined, hitWith({ atMs: clock.now() }), plan, clock.now(), 'a1').alert;
}

function expectOk<T extends { ok: boolean }>(result: T): Extract<T, { ok: true }> {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result as Extract<T, { ok: true }>;
}

describe(applyHit.name, () => {
  it('opens an alert when the group has none', () => {
    const { alert, events } = applyHit(undefined, hitWith(), plan, T0, 'a1');
    expect({ events: events.map((e) => e.kind), alert }).toMatchObject({
      events: ['alert.opened'],
      alert: {
        id: 'a1',
        groupKey: 'acme/buzz',
        state: 'open',
        level: 'alert',
        planVersion: '7',
        nextEscalationAtMs: T0,
      },
    });
  });

  it('produces an alert that passes the stored schema', () => {
    expect(alertSchema.safeParse(opened()).success).toBe(true);
  });

  it('snapshots the escalation policy of the level', () => {
    expect(opened().escalation.steps.map((step) => step.afterMs)).toEqual([0, 15 * MINUTE_MS, 30 * MINUTE_MS]);
  });

  it('keeps the snapshot when the plan is edited afterwards', () => {
    const alert = opened();
    const edited = planWith(`
version: 8
escalation:
  watch: { steps: [{ kind: notify, afterMs: 0, targets: [{ role: cm }] }] }
  alert: { steps: [{ kind: notify, afterMs: 1m, targets: [{ role: cm }] }] }
  crisis: { steps: [{ kind: notify, afterMs: 0, targets: [{ role: cm }] }] }`);
    const { alert: updated } = applyHit(
      alert,
      hitWith({ evidence: { mentionKey: 'twitter:2' } }),
      edited,
      T0 + MINUTE_MS,
      'a2',
    );
    expect({ steps: updated.escalation.steps.length, version: updated.planVersion }).toEqual({
      steps: 3,
      version: '7',
    });
  });

  it('accumulates hits of the same group instead of opening a second alert', () => {
    const clock = createFakeClock(T0);
    let alert = opened(clock);
    for (let i = 2; i <= 5; i += 1) {
      clock.advance(10_000);
      alert = applyHit(alert, hitWith({ evidence: { mentionKey: `twitter:${i}` } }), plan, clock.now(), `a${i}`).alert;
    }
    expect({ id: alert.id, count: alert.evidence.count, last: alert.evidence.lastSeenAtMs }).toEqual({
      id: 'a1',
      count: 5,
      last: T0 + 40_000,
    });
  });

  it('reports an accumulated hit as an update', () => {
    const { events } = applyHit(opened(), hitWith({ evidence: { mentionKey: 'twitter:2' } }), plan, T0 + 1_000, 'a2');
    expect(events.map((event) => event.kind)).toEqual(['alert.updated']);
  });

  it('keeps only the most recent samples', () => {
    let alert = opened();
    for (let i = 2; i <= 25; i += 1) {
      alert = applyHit(alert, hitWith({ evidence: { mentionKey: `twitter:${i}` } }), plan, T0 + i, 'x').alert;
    }
    expect({
      samples: alert.evidence.samples.length,
      last: alert.evidence.samples.at(-1)?.evidence.mentionKey,
    }).toEqual({
      samples: MAX_ALERT_SAMPLES,
      last: 'twitter:25',
    });
  });

  it('records the peak number of hits within one minute', () => {
    let alert = opened();
    const offsetsMs = [1_000, 2_000, MINUTE_MS + 1_000, MINUTE_MS + 2_000, MINUTE_MS + 3_000, MINUTE_MS + 4_000];
    offsetsMs.forEach((offsetMs, i) => {
      alert = applyHit(
        alert,
        hitWith({ evidence: { mentionKey: `twitter:${i + 2}` } }),
        plan,
        T0 + offsetMs,
        'x',
      ).alert;
    });
    expect(alert.evidence.peakPerMin).toBe(4);
  });

  it('does not count a replayed mention twice', () => {
    const alert = opened();
    const { alert: again, events } = applyHit(alert, hitWith(), plan, T0 + 1_000, 'a2');
    expect({ count: again.evidence.count, events }).toEqual({ count: 1, events: [] });
  });

  it('does not count a replayed spike signal twice', () => {
    const signal = {
      kind: 'spike' as const,
      brandId: 'acme',
      metric: 'volume' as const,
      intervalStart: '2026-01-07T07:55:00Z',
      intervalEnd: '2026-01-07T08:00:00Z',
      observed: 90,
      expected: 20,
      lower: 5,
      upper: 35,
      score: 0.8,
      alert: true,
      explanation: 'volume far above the usual level',
    };
    const hit = hitWith({ triggerId: 'volume', level: 'watch', evidence: { signal } });
    const first = applyHit(undefined, hit, plan, T0, 'a1').alert;
    expect(applyHit(first, hit, plan, T0 + 1_000, 'a2').alert.evidence.count).toBe(1);
  });

  it('upgrades the alert when a hit of a higher level arrives', () => {
    const { alert, events } = applyHit(
      opened(),
      hitWith({ triggerId: 'neg', level: 'crisis' }),
      plan,
      T0 + MINUTE_MS,
      'a2',
    );
    expect({
      kinds: events.map((e) => e.kind),
      level: alert.level,
      id: alert.id,
      next: alert.nextEscalationAtMs,
    }).toEqual({
      kinds: ['alert.upgraded'],
      level: 'crisis',
      id: 'a1',
      next: T0 + MINUTE_MS,
    });
  });

  it('snapshots the higher level’s policy on upgrade', () => {
    const { alert } = applyHit(opened(), hitWith({ level: 'crisis' }), plan, T0 + MINUTE_MS, 'a2');
    expect({
      policy: alert.escalation.policyId,
      cause: alert.escalation.cause,
      step: alert.escalationStepIndex,
    }).toEqual({
      policy: 'crisis',
      cause: 'upgraded',
      step: 0,
    });
  });

  it('re-opens an acknowledged alert on upgrade', () => {
    const acked = expectOk(acknowledge(opened(), 'ana', T0 + 1_000)).alert;
    const { alert } = applyHit(acked, hitWith({ level: 'crisis' }), plan, T0 + MINUTE_MS, 'a2');
    expect({ state: alert.state, by: alert.acknowledgedBy }).toEqual({ state: 'open', by: undefined });
  });

  it('keeps the level when a lower-level hit arrives', () => {
    const { alert } = applyHit(
      opened(),
      hitWith({ level: 'watch', evidence: { mentionKey: 'x:2' } }),
      plan,
      T0 + 1,
      'a2',
    );
    expect(alert.level).toBe('alert');
  });

  it('opens a new alert when the previous one of the group is resolved', () => {
    const resolved = expectOk(resolve(opened(), 'ana', T0 + MINUTE_MS)).alert;
    const { alert, events } = applyHit(resolved, hitWith(), plan, T0 + 2 * MINUTE_MS, 'a2');
    expect({ id: alert.id, state: alert.state, kinds: events.map((e) => e.kind) }).toEqual({
      id: 'a2',
      state: 'open',
      kinds: ['alert.opened'],
    });
  });

  it('groups by brand and trigger group', () => {
    expect(alertGroupKey(hitWith({ brandId: 'globex', group: 'buzz' }))).toBe('globex/buzz');
  });
});

describe(acknowledge.name, () => {
  it('stops the escalation chain', () => {
    const { alert } = expectOk(acknowledge(opened(), 'ana', T0 + 1_000, 'on it'));
    expect({ state: alert.state, next: alert.nextEscalationAtMs, by: alert.acknowledgedBy }).toEqual({
      state: 'acknowledged',
      next: null,
      by: 'ana',
    });
  });

  it('writes who acknowledged and why to the audit', () => {
    const { alert } = expectOk(acknowledge(opened(), 'ana', T0 + 1_000, 'on it'));
    expect(alert.audit.at(-1)).toEqual({
      atMs: T0 + 1_000,
      actor: 'ana',
      action: 'acknowledged',
      from: 'open',
      to: 'acknowledged',
      reason: 'on it',
    });
  });

  it('changes nothing when the alert is already acknowledged', () => {
    const acked = expectOk(acknowledge(opened(), 'ana', T0 + 1_000)).alert;
    expect(acknowledge(acked, 'ben', T0 + 2_000)).toEqual({ ok: true, alert: acked, events: [] });
  });

  it('refuses a resolved alert', () => {
    const resolved = expectOk(resolve(opened(), 'ana', T0 + 1_000)).alert;
    expect(acknowledge(resolved, 'ben', T0 + 2_000)).toMatchObject({ ok: false, error: { code: 'alert-resolved' } });
  });
});

describe(resolve.name, () => {
  it('closes the alert and records who closed it', () => {
    const { alert, events } = expectOk(resolve(opened(), 'carl', T0 + 5_000, 'answered publicly'));
    expect({ state: alert.state, by: alert.resolvedBy, at: alert.resolvedAtMs, event: events[0]?.kind }).toEqual({
      state: 'resolved',
      by: 'carl',
      at: T0 + 5_000,
      event: 'alert.resolved',
    });
  });

  it('changes nothing when the alert is already resolved', () => {
    const resolved = expectOk(resolve(opened(), 'carl', T0 + 5_000)).alert;
    expect(resolve(resolved, 'ana', T0 + 6_000)).toEqual({ ok: true, alert: resolved, events: [] });
  });
});

describe(autoResolveDue.name, () => {
  // The base plan resolves "alert" after 30m of quiet, other levels after the plan's 1h.
  it.each([
    { level: 'alert', quietMs: 29 * MINUTE_MS, expected: 'open' },
    { level: 'alert', quietMs: 30 * MINUTE_MS, expected: 'resolved' },
    { level: 'watch', quietMs: 59 * MINUTE_MS, expected: 'open' },
    { level: 'watch', quietMs: 60 * MINUTE_MS, expected: 'resolved' },
  ])('leaves a $level alert $expected after $quietMs ms without a hit', ({ level, quietMs, expected }) => {
    const clock = createFakeClock(T0);
    const { alert } = applyHit(undefined, hitWith({ level }), plan, clock.now(), 'a1');
    clock.advance(quietMs);
    expect(autoResolveDue(alert, plan, clock.now()).alert.state).toBe(expected);
  });

  it('counts the quiet time from the last hit', () => {
    const clock = createFakeClock(T0);
    let alert = opened(clock);
    clock.advance(20 * MINUTE_MS);
    alert = applyHit(alert, hitWith({ evidence: { mentionKey: 'x:2' } }), plan, clock.now(), 'a2').alert;
    clock.advance(20 * MINUTE_MS);
    expect({ state: autoResolveDue(alert, plan, clock.now()).alert.state, at: autoResolveAtMs(alert, plan) }).toEqual({
      state: 'open',
      at: T0 + 50 * MINUTE_MS,
    });
  });

  it('records the automatic resolution in the audit', () => {
    const { alert } = autoResolveDue(opened(), plan, T0 + 30 * MINUTE_MS);
    expect(alert.audit.at(-1)).toMatchObject({
      actor: 'tocsin',
      action: 'auto-resolved',
      reason: 'no new evidence for 30m',
    });
  });
});
