import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findCoverageIssues, groupDailySpans, type CoverageSpan } from './on-call-coverage';
import { formatPlanError, parsePlan } from './plan.parse';
import type { Schedule } from './plan.schema';
import { planWith } from './testing/plan-fixture';

const ZONE = 'Europe/Paris';
const at = (iso: string): number => Date.parse(iso);

/** A span as "start → end [people]" in ISO with offsets, Paris time. */
function show(span: CoverageSpan): string {
  const iso = (ms: number): string =>
    new Date(ms).toLocaleString('sv-SE', { timeZone: ZONE }).replace(' ', 'T').slice(0, 16);
  return `${iso(span.startMs)} → ${iso(span.endMs)} [${span.userIds.join(',')}]`;
}

/** The follow-the-sun rota with the afternoon layer from `start` to `end` in `afternoonZone`. */
function followTheSun(afternoonZone: string, start: string, end: string): Schedule {
  const plan = planWith(`
schedules:
  - id: care
    name: Follow the sun
    layers:
      - { id: paris, timezone: Europe/Paris, shift: { start: '06:00', end: '14:00' }, rotation: { members: [ana], every: 1w, startDate: '2026-01-05' } }
      - { id: montreal, timezone: ${afternoonZone}, shift: { start: '${start}', end: '${end}' }, rotation: { members: [carl], every: 1w, startDate: '2026-01-05' } }
      - { id: nights, timezone: Europe/Paris, shift: { start: '22:00', end: '06:00' }, rotation: { members: [dora], every: 1w, startDate: '2026-01-05' } }
`);
  const schedule = plan.schedules[0];
  if (!schedule) throw new Error('fixture plan has no schedule');
  return schedule;
}

describe(findCoverageIssues.name, () => {
  const montreal = followTheSun('America/Toronto', '08:00', '16:00');

  it.each([
    {
      why: 'both sides on winter time: hand-overs meet',
      from: '2026-03-06T00:00:00+01:00',
      to: '2026-03-08T00:00:00+01:00',
      gaps: [],
      overlaps: [],
    },
    {
      why: 'Montréal went to summer time on 8 March: an hour short in the evening, an hour early at lunch',
      from: '2026-03-08T00:00:00+01:00',
      to: '2026-03-09T00:00:00+01:00',
      gaps: ['2026-03-08T21:00 → 2026-03-08T22:00 []'],
      overlaps: ['2026-03-08T13:00 → 2026-03-08T14:00 [ana,carl]'],
    },
    {
      why: 'last day before Paris changes clock (29 March)',
      from: '2026-03-28T12:00:00+01:00',
      to: '2026-03-29T00:00:00+01:00',
      gaps: ['2026-03-28T21:00 → 2026-03-28T22:00 []'],
      overlaps: ['2026-03-28T13:00 → 2026-03-28T14:00 [ana,carl]'],
    },
    {
      why: 'both on summer time from 29 March, including the short night of the jump',
      from: '2026-03-29T00:00:00+01:00',
      to: '2026-03-31T00:00:00+02:00',
      gaps: [],
      overlaps: [],
    },
    {
      why: 'Paris back to winter time on 25 October, Montréal not until 1 November',
      from: '2026-10-25T00:00:00+02:00',
      to: '2026-10-26T00:00:00+01:00',
      gaps: ['2026-10-25T21:00 → 2026-10-25T22:00 []'],
      overlaps: ['2026-10-25T13:00 → 2026-10-25T14:00 [ana,carl]'],
    },
    {
      why: 'both on winter time again from 1 November',
      from: '2026-11-01T00:00:00+01:00',
      to: '2026-11-03T00:00:00+01:00',
      gaps: [],
      overlaps: [],
    },
  ])('$why', ({ from, to, gaps, overlaps }) => {
    const coverage = findCoverageIssues(montreal, at(from), at(to));
    expect({ gaps: coverage.gaps.map(show), overlaps: coverage.overlaps.map(show) }).toEqual({ gaps, overlaps });
  });

  it('finds no gap all year when every hand-over is written in the same zone', () => {
    const paris = followTheSun('Europe/Paris', '14:00', '22:00');
    const coverage = findCoverageIssues(paris, at('2026-01-01T00:00:00+01:00'), at('2027-01-01T00:00:00+01:00'));
    expect({ gaps: coverage.gaps.length, overlaps: coverage.overlaps.length }).toEqual({ gaps: 0, overlaps: 0 });
  });

  it('counts 28 one-hour gaps in 2026 when the afternoon follows Montréal clocks', () => {
    const { gaps } = findCoverageIssues(montreal, at('2026-01-01T00:00:00+01:00'), at('2027-01-01T00:00:00+01:00'));
    const minutes = gaps.reduce((sum, gap) => sum + (gap.endMs - gap.startMs) / 60_000, 0);
    expect({ gaps: gaps.length, minutes }).toEqual({ gaps: 28, minutes: 1680 });
  });

  it('treats an override as covering the whole schedule, even across a layer gap', () => {
    const covered: Schedule = {
      ...montreal,
      overrides: [{ user: 'ben', startsAt: '2026-03-08T20:30:00+01:00', endsAt: '2026-03-08T21:30:00+01:00' }],
    };
    const { gaps } = findCoverageIssues(covered, at('2026-03-08T00:00:00+01:00'), at('2026-03-09T00:00:00+01:00'));
    expect(gaps.map(show)).toEqual(['2026-03-08T21:30 → 2026-03-08T22:00 []']);
  });

  it('clips spans to the range asked', () => {
    const { gaps } = findCoverageIssues(montreal, at('2026-03-08T21:30:00+01:00'), at('2026-03-08T23:00:00+01:00'));
    expect(gaps.map(show)).toEqual(['2026-03-08T21:30 → 2026-03-08T22:00 []']);
  });
});

describe(groupDailySpans.name, () => {
  it('folds the daily DST gaps into one line per run of days', () => {
    const montreal = followTheSun('America/Toronto', '08:00', '16:00');
    const { gaps } = findCoverageIssues(montreal, at('2026-01-01T00:00:00+01:00'), at('2027-01-01T00:00:00+01:00'));
    expect(
      groupDailySpans(gaps, ZONE).map(
        (run) =>
          `${run.startClock}–${run.endClock} ${run.firstDate}…${run.lastDate} ×${run.count} ${run.totalMs / 60_000} min`,
      ),
    ).toEqual(['21:00–22:00 2026-03-08…2026-03-28 ×21 1260 min', '21:00–22:00 2026-10-25…2026-10-31 ×7 420 min']);
  });
});

describe('the example crisis plan', () => {
  it('has nobody missing and nobody doubled in any schedule over 2026 and 2027', () => {
    const file = join(__dirname, '..', '..', '..', 'config', 'crisis-plan.example.yaml');
    const result = parsePlan(readFileSync(file, 'utf8'), file);
    if (!result.ok) throw new Error(result.errors.map(formatPlanError).join('\n'));
    const issues = result.plan.schedules.map((schedule) => {
      const coverage = findCoverageIssues(schedule, at('2026-01-01T00:00:00+01:00'), at('2028-01-01T00:00:00+01:00'));
      return { schedule: schedule.id, gaps: coverage.gaps.map(show), overlaps: coverage.overlaps.map(show) };
    });
    expect(issues).toEqual([
      { schedule: 'social-care', gaps: [], overlaps: [] },
      { schedule: 'managers', gaps: [], overlaps: [] },
    ]);
  });
});
