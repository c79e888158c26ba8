import { findLayerShift, resolveOnCall, resolveTarget } from './on-call';
import { planWith } from './testing/plan-fixture';

// Follow the sun in 3×8: Paris mornings, Montréal afternoons in its own zone, nights written in Paris time.
const plan = planWith(`
schedules:
  - id: care
    name: Follow the sun
    layers:
      - id: paris
        timezone: Europe/Paris
        shift: { start: '06:00', end: '14:00' }
        rotation: { members: [ana, ben], every: 1w, startDate: '2026-01-05' }
      - id: montreal
        timezone: America/Toronto
        shift: { start: '08:00', end: '16:00' }
        rotation: { members: [carl], every: 1w, startDate: '2026-01-05' }
      - id: nights
        timezone: Europe/Paris
        shift: { start: '22:00', end: '06:00' }
        rotation: { members: [dora], every: 1d, startDate: '2026-01-05' }
    overrides:
      - { user: ben, startsAt: '2026-01-07T10:00:00+01:00', endsAt: '2026-01-07T12:00:00+01:00' }
  - id: weekends
    name: Weekends
    layers:
      - id: all-day
        timezone: Europe/Paris
        shift: { start: '00:00', end: '00:00' }
        weekdays: [sat, sun]
        rotation: { members: [ana, ben], every: 1w, startDate: '2026-01-03' }
`);

describe(resolveOnCall.name, () => {
  it.each([
    { at: '2026-01-07T06:00:00+01:00', expected: ['ana'], why: 'the Paris shift starts' },
    { at: '2026-01-07T13:59:00+01:00', expected: ['ana'], why: 'the Paris shift is about to end' },
    { at: '2026-01-07T14:00:00+01:00', expected: ['carl'], why: 'Montréal takes over at 08:00 its time' },
    { at: '2026-01-07T21:59:00+01:00', expected: ['carl'], why: 'Montréal is about to hand over' },
    { at: '2026-01-07T22:00:00+01:00', expected: ['dora'], why: 'the night shift starts' },
    { at: '2026-01-08T05:59:00+01:00', expected: ['dora'], why: 'the night shift crossed midnight' },
    { at: '2026-01-08T00:00:00+01:00', expected: ['dora'], why: 'it is exactly midnight' },
    { at: '2026-01-12T06:00:00+01:00', expected: ['ben'], why: 'the weekly rotation moved on' },
    { at: '2026-01-19T06:00:00+01:00', expected: ['ana'], why: 'the rotation wrapped around' },
    { at: '2026-01-04T06:00:00+01:00', expected: ['ben'], why: 'the instant is before the rotation start' },
    { at: '2026-01-07T11:00:00+01:00', expected: ['ben'], why: 'an override covers the instant' },
    { at: '2026-01-07T12:00:00+01:00', expected: ['ana'], why: 'the override has just ended' },
  ])('returns $expected when $why', ({ at, expected }) => {
    expect(resolveOnCall(plan, 'care', Date.parse(at))).toEqual(expected);
  });

  it('overlaps Paris and Montréal once North America alone has moved to summer time', () => {
    expect(resolveOnCall(plan, 'care', Date.parse('2026-03-10T13:30:00+01:00'))).toEqual(['ben', 'carl']);
  });

  it('leaves nobody on call at 21:30 Paris time while only North America is on summer time', () => {
    expect(resolveOnCall(plan, 'care', Date.parse('2026-03-10T21:30:00+01:00'))).toEqual([]);
  });

  it('hands over at 14:00 Paris time again once both sides are on summer time', () => {
    expect(resolveOnCall(plan, 'care', Date.parse('2026-04-01T14:00:00+02:00'))).toEqual(['carl']);
  });

  it('hands the night shift over at 06:00 local time on the morning the clocks go forward', () => {
    expect(resolveOnCall(plan, 'care', Date.parse('2026-03-29T06:00:00+02:00'))).toEqual(['ben']);
  });

  it.each([
    { at: '2026-01-03T12:00:00+01:00', expected: ['ana'], why: 'the first Saturday' },
    { at: '2026-01-10T12:00:00+01:00', expected: ['ben'], why: 'the next Saturday' },
    { at: '2026-01-11T23:30:00+01:00', expected: ['ben'], why: 'a Sunday night' },
    { at: '2026-01-12T00:30:00+01:00', expected: [], why: 'a Monday' },
  ])('follows the weekday filter on $why', ({ at, expected }) => {
    expect(resolveOnCall(plan, 'weekends', Date.parse(at))).toEqual(expected);
  });

  it('returns nobody for an unknown schedule', () => {
    expect(resolveOnCall(plan, 'nope', Date.parse('2026-01-07T10:00:00+01:00'))).toEqual([]);
  });
});

describe(findLayerShift.name, () => {
  const nights = plan.schedules[0]?.layers[2];

  it('shortens the night shift to 7 hours when the clocks go forward', () => {
    const shift = nights && findLayerShift('care', nights, Date.parse('2026-03-29T05:00:00+02:00'));
    expect(shift && (shift.endMs - shift.startMs) / 3_600_000).toBe(7);
  });

  it('lengthens the night shift to 9 hours when the clocks go back', () => {
    const shift = nights && findLayerShift('care', nights, Date.parse('2026-10-25T05:00:00+01:00'));
    expect(shift && (shift.endMs - shift.startMs) / 3_600_000).toBe(9);
  });
});

describe(resolveTarget.name, () => {
  const at = Date.parse('2026-01-07T07:00:00+01:00');

  it.each([
    { target: { schedule: 'care' }, expected: ['ana'] },
    { target: { user: 'dora' }, expected: ['dora'] },
    { target: { role: 'manager' as const }, expected: ['carl'] },
    { target: { role: 'cm' as const }, expected: ['ana', 'ben'] },
  ])('resolves $target to $expected', ({ target, expected }) => {
    expect(resolveTarget(plan, target, at)).toEqual(expected);
  });
});
