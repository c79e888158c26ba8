import { DateTime } from 'luxon';
import type { CrisisPlan, NotifyTarget, Schedule, ScheduleLayer } from './plan.schema';
import { WEEKDAYS } from './plan.schema';

const DAY_MS = 86_400_000;

/** One person's turn on a layer: a concrete shift with its instants. */
export interface OnCallShift {
  scheduleId: string;
  layerId: string;
  userId: string;
  startMs: number;
  endMs: number;
}

function atClockTime(day: DateTime, clock: string): DateTime {
  const [hour, minute] = clock.split(':').map(Number);
  // A time skipped by a DST jump is moved forward by luxon, so a shift never vanishes.
  return day.set({ hour: hour ?? 0, minute: minute ?? 0, second: 0, millisecond: 0 });
}

/** Whole calendar days from `fromIso` to the date of `day`, counted without time zones. */
function calendarDaysSince(fromIso: string, day: DateTime): number {
  const [year, month, date] = fromIso.split('-').map(Number);
  return Math.round(
    (Date.UTC(day.year, day.month - 1, day.day) - Date.UTC(year ?? 0, (month ?? 1) - 1, date ?? 1)) / DAY_MS,
  );
}

/**
 * The shift of a layer running at `atMs`, if any. A shift belongs to the calendar day it starts
 * on (in the layer's zone): that day picks the member and is checked against `weekdays`.
 */
export function findLayerShift(scheduleId: string, layer: ScheduleLayer, atMs: number): OnCallShift | undefined {
  const at = DateTime.fromMillis(atMs, { zone: layer.timezone });
  // A shift crossing midnight that covers `at` started the day before.
  for (const day of [at.startOf('day'), at.startOf('day').minus({ days: 1 })]) {
    const start = atClockTime(day, layer.shift.start);
    const endDay = layer.shift.end <= layer.shift.start ? day.plus({ days: 1 }) : day;
    const end = atClockTime(endDay, layer.shift.end);
    if (at < start || at >= end) continue;
    const weekday = WEEKDAYS[day.weekday - 1];
    if (layer.weekdays && weekday !== undefined && !layer.weekdays.includes(weekday)) continue;
    const { members, every } = layer.rotation;
    const turn = Math.floor(calendarDaysSince(layer.rotation.startDate, day) / every.days);
    const userId = members[((turn % members.length) + members.length) % members.length];
    if (userId === undefined) return undefined;
    return { scheduleId, layerId: layer.id, userId, startMs: start.toMillis(), endMs: end.toMillis() };
  }
  return undefined;
}

function onCallIn(schedule: Schedule, atMs: number): string[] {
  const overriding = schedule.overrides
    .filter((override) => Date.parse(override.startsAt) <= atMs && atMs < Date.parse(override.endsAt))
    .map((override) => override.user);
  if (overriding.length > 0) return [...new Set(overriding)];
  const shifts = schedule.layers.map((layer) => findLayerShift(schedule.id, layer, atMs));
  return [...new Set(shifts.flatMap((shift) => (shift ? [shift.userId] : [])))];
}

/**
 * Who is on call in a schedule at `atMs` (ms since epoch): an active override wins over every
 * layer; otherwise the members of all layers whose shift covers that instant, in layer order.
 * Empty when the schedule is unknown or nobody covers the instant.
 */
export function resolveOnCall(plan: CrisisPlan, scheduleId: string, atMs: number): string[] {
  const schedule = plan.schedules.find((candidate) => candidate.id === scheduleId);
  return schedule ? onCallIn(schedule, atMs) : [];
}

/** The people a notify target means at `atMs`: the on-call of a schedule, one person, or everyone with a role. */
export function resolveTarget(plan: CrisisPlan, target: NotifyTarget, atMs: number): string[] {
  if ('schedule' in target) return resolveOnCall(plan, target.schedule, atMs);
  if ('user' in target) return plan.people.some((person) => person.id === target.user) ? [target.user] : [];
  return plan.people.filter((person) => person.role === target.role).map((person) => person.id);
}
