/*
 * How the pages write times for a person reading them; numbers and durations come from
 * libs/domain, as the server writes them in alert reasons.
 */
import { formatDuration } from '@tocsin/domain/format-duration';

/** From this many followers an author is drawn as influential. */
export const INFLUENTIAL_FOLLOWERS = 100_000;

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const shortTimeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

/** A clock time, with the day in front when it is not today; "—" for an invalid instant. */
export function formatTime(at: number | string, withSeconds = true): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return typeof at === 'string' ? at : '—';
  const clock = (withSeconds ? timeFormat : shortTimeFormat).format(date);
  return date.toDateString() === new Date().toDateString() ? clock : `${dayFormat.format(date)} ${clock}`;
}

export function formatAgo(atMs: number, nowMs: number): string {
  const elapsed = nowMs - atMs;
  if (elapsed < 10_000) return 'just now';
  return `${formatDuration(elapsed)} ago`;
}

/** "1 hit", "1,204 hits". */
export function plural(count: number, word: string): string {
  return `${count.toLocaleString()} ${word}${count === 1 ? '' : 's'}`;
}
