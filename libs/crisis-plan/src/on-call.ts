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
 * The shift a layer starts on the calendar `day` (start of day in the layer's zone), if the day
 * is one of its `weekdays`; the day also picks the member of the rotation.
 */
function layerShiftOn(scheduleId: string, layer: ScheduleLayer, day: DateTime): OnCallShift | undefined {
  const weekday = WEEKDAYS[day.weekday - 1];
  if (layer.weekdays && weekday !== undefined && !layer.weekdays.includes(weekday)) return undefined;
  const start = atClockTime(day, layer.shift.start);
  const endDay = layer.shift.end <= layer.shift.start ? day.plus({ days: 1 }) : day;
  const end = atClockTime(endDay, layer.shift.end);
  const { members, every } = layer.rotation;
  const turn = Math.floor(calendarDaysSince(layer.rotation.startDate, day) / every.days);
  const userId = members[((turn % members.length) + members.length) % members.length];
  if (userId === undefined) return undefined;
  return { scheduleId, layerId: layer.id, userId, startMs: start.toMillis(), endMs: end.toMillis() };
}

/**
 * The shift of a layer running at `atMs`, if any. A shift belongs to the calendar day it starts
 * on (in the layer's zone): that day picks the member and is checked against `weekdays`.
 */
export function findLayerShift(scheduleId: string, layer: ScheduleLayer, atMs: number): OnCallShift | undefined {
  const at = DateTime.fromMillis(atMs, { zone: layer.timezone });
  // A shift crossing midnight that covers `at` started the day before.
  for (const day of [at.startOf('day'), at.startOf('day').minus({ days: 1 })]) {
    const shift = layerShiftOn(scheduleId, layer, day);
    if (shift && shift.startMs <= atMs && atMs < shift.endMs) return shift;
  }
  return undefined;
}

/**
 * Every shift of a layer that overlaps [fromMs, toMs), in start order, unclipped. Shifts are
 * enumerated from the calendar days of the layer's zone, so DST days give their real length.
 */
export function listLayerShifts(scheduleId: string, layer: ScheduleLayer, fromMs: number, toMs: number): OnCallShift[] {
  const shifts: OnCallShift[] = [];
  const last = DateTime.fromMillis(toMs, { zone: layer.timezone }).startOf('day');
  let day = DateTime.fromMillis(fromMs, { zone: layer.timezone }).startOf('day').minus({ days: 1 });
  while (day <= last) {
    const shift = layerShiftOn(scheduleId, layer, day);
    if (shift && shift.startMs < toMs && shift.endMs > fromMs) shifts.push(shift);
    day = day.plus({ days: 1 });
  }
  return shifts;
}

/**
 * Who is on call in `schedule` at `atMs`: an active override wins over every layer; otherwise
 * the members of all layers whose shift covers that instant, in layer order.
 */
export function onCallIn(schedule: Schedule, atMs: number): string[] {
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
