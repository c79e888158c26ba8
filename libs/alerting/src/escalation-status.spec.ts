import { planWith } from '../../crisis-plan/src/testing/plan-fixture';
import { acknowledge, applyHit, resolve } from './alert-lifecycle';
import type { Alert } from './alert.schema';
import { dueEscalation, planTargetResolver } from './escalation';
import { escalationStatus, viewAlertEvent } from './escalation-status';
import { hitWith } from './testing/alert-fixture';

// Wednesday morning: Ana holds the 08:00–20:00 Paris shift of schedule "care".
const T0 = Date.parse('2026-01-07T09:00:00+01:00');
const MINUTE_MS = 60_000;
const plan = planWith();
const resolver = planTargetResolver(plan);

function openAt(atMs: number, level = 'alert'): Alert {
  return applyHit(undefined, hitWith({ level, atMs }), plan, atMs, 'a1').alert;
}

/** The alert after its escalation ran up to `minutes` after opening. */
function escalatedFor(alert: Alert, minutes: number): Alert {
  return dueEscalation(alert, resolver, alert.openedAtMs + minutes * MINUTE_MS).alert;
}

describe(escalationStatus.name, () => {
  it('names the first step, its targets and who they mean, due at the opening', () => {
    expect(escalationStatus(openAt(T0), resolver)).toEqual({
      kind: 'step',
      atMs: T0,
      step: 0,
      targets: [{ schedule: 'care' }],
      recipients: ['ana'],
    });
  });

  it('counts the next step from when the previous one was due, as the escalation does', () => {
    expect(escalationStatus(escalatedFor(openAt(T0), 1), resolver)).toEqual({
      kind: 'step',
      atMs: T0 + 15 * MINUTE_MS,
      step: 1,
      targets: [{ role: 'manager' }],
      recipients: ['carl'],
    });
    expect(escalationStatus(escalatedFor(openAt(T0), 20), resolver)).toMatchObject({
      kind: 'step',
      atMs: T0 + 45 * MINUTE_MS,
      step: 2,
      recipients: ['dora'],
    });
  });

  it('announces each repeat with its number, to everyone paged so far, once the steps ran out', () => {
    expect(escalationStatus(escalatedFor(openAt(T0), 50), resolver)).toEqual({
      kind: 'repeat',
      atMs: T0 + 55 * MINUTE_MS,
      repeat: 1,
      maxTimes: 2,
      recipients: ['ana', 'carl', 'dora'],
    });
    expect(escalationStatus(escalatedFor(openAt(T0), 60), resolver)).toMatchObject({
      kind: 'repeat',
      atMs: T0 + 65 * MINUTE_MS,
      repeat: 2,
    });
  });

  it('says the chain is finished once the last repeat went out', () => {
    expect(escalationStatus(escalatedFor(openAt(T0), 90), resolver)).toEqual({ kind: 'finished' });
  });

  it('resolves a schedule at the instant the step is due, not at the instant asked', () => {
    // Opened at 19:50 Paris: the second step falls after Ana's shift ends at 20:00.
    const evening = Date.parse('2026-01-07T19:50:00+01:00');
    const crisis = escalatedFor(openAt(evening, 'crisis'), 1);
    const later = escalationStatus(crisis, (target, atMs) => (atMs >= evening + 10 * MINUTE_MS ? ['night'] : ['day']));
    expect(later).toMatchObject({ kind: 'step', step: 1, recipients: ['night'] });
  });

  it('reports an empty list of recipients when the step reaches nobody', () => {
    expect(escalationStatus(openAt(T0), () => [])).toMatchObject({ kind: 'step', step: 0, recipients: [] });
  });

  it('stops at the acknowledgement and ends at the resolution', () => {
    const opened = escalatedFor(openAt(T0), 1);
    const acked = acknowledge(opened, 'ana', T0 + 2 * MINUTE_MS);
    if (!acked.ok) throw new Error(acked.error.message);
    expect(escalationStatus(acked.alert, resolver)).toEqual({ kind: 'stopped' });
    const resolved = resolve(acked.alert, 'ana', T0 + 3 * MINUTE_MS);
    if (!resolved.ok) throw new Error(resolved.error.message);
    expect(escalationStatus(resolved.alert, resolver)).toEqual({ kind: 'resolved' });
  });
});

describe(viewAlertEvent.name, () => {
  it('puts the status on the alert of an event and keeps the rest of the event', () => {
    const alert = openAt(T0);
    const view = viewAlertEvent({ kind: 'alert.opened', atMs: T0, alert }, resolver);
    expect(view).toMatchObject({ kind: 'alert.opened', atMs: T0, alert: { id: alert.id, state: 'open' } });
    expect(view.alert.escalationStatus).toMatchObject({ kind: 'step', step: 0 });
  });
});
