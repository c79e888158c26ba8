import { planWith } from '../../crisis-plan/src/testing/plan-fixture';
import { acknowledge, applyHit } from './alert-lifecycle';
import type { Alert } from './alert.schema';
import { dueEscalation, planTargetResolver } from './escalation';
import { createFakeClock, hitWith } from './testing/alert-fixture';

// Wednesday morning: Ana holds the 08:00–20:00 Paris shift of schedule "care".
const T0 = Date.parse('2026-01-07T09:00:00+01:00');
const MINUTE_MS = 60_000;
const plan = planWith();
const resolver = planTargetResolver(plan);

function openAt(atMs: number, level = 'alert'): Alert {
  return applyHit(undefined, hitWith({ level, atMs }), plan, atMs, 'a1').alert;
}

/** Ticks the fake clock minute by minute and lists every page as "minute reason: recipients". */
function pagesOver(alert: Alert, minutes: number): string[] {
  const clock = createFakeClock(alert.openedAtMs);
  const pages: string[] = [];
  let current = alert;
  for (let minute = 0; minute <= minutes; minute += 1) {
    const outcome = dueEscalation(current, resolver, clock.now());
    current = outcome.alert;
    pages.push(...outcome.notifications.map((n) => `${minute} ${n.reason}: ${n.recipients.join(',')}`));
    clock.advance(MINUTE_MS);
  }
  return pages;
}

describe(dueEscalation.name, () => {
  it('follows the alert policy step by step, then repeats to everyone paged', () => {
    expect(pagesOver(openAt(T0), 90)).toEqual([
      '0 opened: ana',
      '15 escalated: carl',
      '45 escalated: dora',
      '55 repeat: ana,carl,dora',
      '65 repeat: ana,carl,dora',
    ]);
  });

  it('sends nothing before the next step is due', () => {
    const first = dueEscalation(openAt(T0), resolver, T0);
    const early = dueEscalation(first.alert, resolver, T0 + 14 * MINUTE_MS);
    expect({ sent: early.notifications, next: early.nextDueAtMs }).toEqual({ sent: [], next: T0 + 15 * MINUTE_MS });
  });

  it('tells when to come back next', () => {
    expect(dueEscalation(openAt(T0), resolver, T0).nextDueAtMs).toBe(T0 + 15 * MINUTE_MS);
  });

  it('catches up on every step due when the timer fired late, without shifting the chain', () => {
    const late = dueEscalation(openAt(T0), resolver, T0 + 50 * MINUTE_MS);
    expect({ steps: late.notifications.map((n) => n.step), next: late.nextDueAtMs }).toEqual({
      steps: [0, 1, 2],
      next: T0 + 55 * MINUTE_MS,
    });
  });

  it('stops once the repeats are used up', () => {
    let alert = openAt(T0);
    alert = dueEscalation(alert, resolver, T0 + 2 * 60 * MINUTE_MS).alert;
    expect({ next: alert.nextEscalationAtMs, count: alert.notificationCount }).toEqual({ next: null, count: 5 });
  });

  it('stops the chain once the alert is acknowledged', () => {
    const clock = createFakeClock(T0);
    let alert = dueEscalation(openAt(T0), resolver, clock.now()).alert;
    clock.advance(5 * MINUTE_MS);
    const ack = acknowledge(alert, 'ana', clock.now());
    alert = ack.ok ? ack.alert : alert;
    clock.advance(60 * MINUTE_MS);
    const outcome = dueEscalation(alert, resolver, clock.now());
    expect({ sent: outcome.notifications, next: outcome.nextDueAtMs }).toEqual({ sent: [], next: null });
  });

  it('pages the on-call and the managers at once for a crisis', () => {
    const { notifications } = dueEscalation(openAt(T0, 'crisis'), resolver, T0);
    expect(notifications).toEqual([
      {
        alertId: 'a1',
        brandId: 'acme',
        level: 'crisis',
        step: 0,
        recipients: ['ana', 'carl'],
        reason: 'opened',
        atMs: T0,
      },
    ]);
  });

  it('pages with reason "upgraded" when a higher level restarted the chain', () => {
    let alert = dueEscalation(openAt(T0), resolver, T0).alert;
    alert = applyHit(alert, hitWith({ level: 'crisis' }), plan, T0 + 3 * MINUTE_MS, 'a2').alert;
    const { notifications } = dueEscalation(alert, resolver, T0 + 3 * MINUTE_MS);
    expect(notifications.map((n) => `${n.reason}: ${n.recipients.join(',')}`)).toEqual(['upgraded: ana,carl']);
  });

  it('reaches whoever is on call when the step is due, not when the alert opened', () => {
    const evening = Date.parse('2026-01-07T19:50:00+01:00');
    let alert = dueEscalation(openAt(evening, 'watch'), resolver, evening).alert;
    alert = applyHit(alert, hitWith({ level: 'crisis' }), plan, evening + 20 * MINUTE_MS, 'a2').alert;
    const { notifications } = dueEscalation(alert, resolver, evening + 20 * MINUTE_MS);
    expect(notifications[0]?.recipients).toEqual(['carl']);
  });

  it('goes on at once to the next step when a step has nobody on call, and says so on the alert', () => {
    const night = Date.parse('2026-01-07T23:00:00+01:00');
    const { alert, notifications } = dueEscalation(openAt(night), resolver, night);
    expect({
      sent: notifications.map((n) => `step ${n.step} ${n.reason}: ${n.recipients.join(',')}`),
      audit: alert.audit.slice(-2).map((entry) => `${entry.action}: ${entry.reason}`),
      next: alert.nextEscalationAtMs,
    }).toEqual({
      sent: ['step 1 escalated: carl'],
      audit: [
        'escalation-skipped: step 1 targets nobody at this time: step 2 goes on at once',
        'notified: escalated (step 2, in place of step 1 with nobody on call): carl',
      ],
      next: night + 30 * MINUTE_MS,
    });
  });

  it('keeps the next delay when the last step reaches nobody', () => {
    const night = Date.parse('2026-01-07T23:00:00+01:00');
    const { alert } = dueEscalation(openAt(night, 'watch'), resolver, night);
    expect({ audit: alert.audit.at(-1)?.reason, next: alert.nextEscalationAtMs }).toEqual({
      audit: 'step 1 targets nobody at this time',
      next: null,
    });
  });

  // Montréal's afternoon shift written in Montréal time: 8–28 March 2026, Montréal is on summer
  // time and Paris is not, so 21:00–22:00 Paris falls between the Montréal and night shifts.
  describe('in the hour a DST change leaves the follow-the-sun rota empty', () => {
    const rota = planWith(`
schedules:
  - id: care
    name: Follow the sun
    layers:
      - { id: paris, timezone: Europe/Paris, shift: { start: '06:00', end: '14:00' }, rotation: { members: [ana], every: 1w, startDate: '2026-01-05' } }
      - { id: montreal, timezone: America/Toronto, shift: { start: '08:00', end: '16:00' }, rotation: { members: [ben], every: 1w, startDate: '2026-01-05' } }
      - { id: nights, timezone: Europe/Paris, shift: { start: '22:00', end: '06:00' }, rotation: { members: [dora], every: 1w, startDate: '2026-01-05' } }
`);
    const rotaResolver = planTargetResolver(rota);
    const open = (iso: string): Alert => {
      const atMs = Date.parse(iso);
      return applyHit(undefined, hitWith({ level: 'alert', atMs }), rota, atMs, 'a1').alert;
    };

    it.each([
      { at: '2026-03-10T20:55:00+01:00', firstPage: 'opened: ben', why: 'Montréal still on shift (15:55 there)' },
      { at: '2026-03-10T21:30:00+01:00', firstPage: 'escalated: carl', why: 'nobody on call: the managers at once' },
      { at: '2026-03-10T22:00:00+01:00', firstPage: 'opened: dora', why: 'the night shift has started' },
      { at: '2026-03-31T21:30:00+02:00', firstPage: 'opened: ben', why: 'both sides on summer time again' },
    ])('pages "$firstPage" at $at: $why', ({ at, firstPage }) => {
      const atMs = Date.parse(at);
      const { notifications } = dueEscalation(open(at), rotaResolver, atMs);
      expect(notifications.map((n) => `${n.reason}: ${n.recipients.join(',')}`)[0]).toBe(firstPage);
    });
  });

  it('emits an escalated event per page for the console', () => {
    const { events } = dueEscalation(openAt(T0), resolver, T0 + 15 * MINUTE_MS);
    expect(events.map((event) => event.kind)).toEqual(['alert.escalated', 'alert.escalated']);
  });
});
