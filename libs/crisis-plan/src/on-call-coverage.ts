import { DateTime } from 'luxon';
import { listLayerShifts, onCallIn } from './on-call';
import type { Schedule } from './plan.schema';

/** A stretch of time with nobody on call (a gap) or with several people on call (an overlap). */
export interface CoverageSpan {
  startMs: number;
  endMs: number;
  /** Who is on call throughout the span: empty for a gap, two or more for an overlap. */
  userIds: string[];
}

export interface ScheduleCoverage {
  scheduleId: string;
  gaps: CoverageSpan[];
  overlaps: CoverageSpan[];
}

/**
 * Gaps and overlaps of a schedule over [fromMs, toMs), exact to the millisecond. Who is on call
 * can only change at a shift or override boundary, so the range is cut at every boundary and
 * each piece is asked of `onCallIn` once: the answer is the one the escalation gets, DST
 * included, without sampling. Adjacent pieces with the same people merge into one span.
 */
export function findCoverageIssues(schedule: Schedule, fromMs: number, toMs: number): ScheduleCoverage {
  const boundaries = new Set<number>([fromMs, toMs]);
  for (const layer of schedule.layers) {
    for (const shift of listLayerShifts(schedule.id, layer, fromMs, toMs)) {
      boundaries.add(shift.startMs).add(shift.endMs);
    }
  }
  for (const override of schedule.overrides) {
    boundaries.add(Date.parse(override.startsAt)).add(Date.parse(override.endsAt));
  }
  const cuts = [...boundaries].filter((atMs) => atMs >= fromMs && atMs <= toMs).sort((a, b) => a - b);
  const gaps: CoverageSpan[] = [];
  const overlaps: CoverageSpan[] = [];
  for (let index = 0; index + 1 < cuts.length; index += 1) {
    const startMs = cuts[index] ?? fromMs;
    const endMs = cuts[index + 1] ?? toMs;
    const userIds = onCallIn(schedule, startMs);
    const spans = userIds.length === 0 ? gaps : userIds.length > 1 ? overlaps : undefined;
    if (!spans) continue;
    const previous = spans.at(-1);
    if (previous && previous.endMs === startMs && previous.userIds.join() === userIds.join()) previous.endMs = endMs;
    else spans.push({ startMs, endMs, userIds });
  }
  return { scheduleId: schedule.id, gaps, overlaps };
}

/** Spans of one length that recur at the same local clock times on consecutive days, in one zone. */
export interface RecurringSpan {
  /** Local clock times, e.g. "21:00" and "22:00". */
  startClock: string;
  endClock: string;
  /** Local calendar dates of the first and last occurrence, e.g. "2026-03-08". */
  firstDate: string;
  lastDate: string;
  count: number;
  totalMs: number;
  /** Everyone on call in any of the spans (a rotation may change hands during the run). */
  userIds: string[];
}

/**
 * Folds spans into runs of consecutive days at the same local clock times in `timezone`, so a
 * gap that recurs every evening for three weeks reads as one line with its dates.
 */
export function groupDailySpans(spans: readonly CoverageSpan[], timezone: string): RecurringSpan[] {
  const runs: RecurringSpan[] = [];
  for (const span of spans) {
    const start = DateTime.fromMillis(span.startMs, { zone: timezone });
    const end = DateTime.fromMillis(span.endMs, { zone: timezone });
    const startClock = start.toFormat('HH:mm');
    const endClock = end.toFormat('HH:mm');
    const date = start.toISODate() ?? '';
    const last = runs.at(-1);
    const nextDay = last ? DateTime.fromISO(last.lastDate, { zone: timezone }).plus({ days: 1 }).toISODate() : null;
    // Same length too: a weekend gap ends at the same clock time as a weeknight's but is not one more night.
    const sameRun =
      last !== undefined &&
      last.startClock === startClock &&
      last.endClock === endClock &&
      last.totalMs / last.count === span.endMs - span.startMs &&
      nextDay === date;
    if (sameRun) {
      last.lastDate = date;
      last.count += 1;
      last.totalMs += span.endMs - span.startMs;
      last.userIds = [...new Set([...last.userIds, ...span.userIds])];
    } else {
      runs.push({
        startClock,
        endClock,
        firstDate: date,
        lastDate: date,
        count: 1,
        totalMs: span.endMs - span.startMs,
        userIds: span.userIds,
      });
    }
  }
  return runs;
}
