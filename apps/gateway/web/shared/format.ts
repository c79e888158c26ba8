/* How the pages write numbers, times and durations for a person reading them. */

/** 950 → "950", 12 345 → "12.3k", 1 250 000 → "1.3M". */
export function formatCompact(value: number): string {
  if (value < 1000) return String(value);
  const [divisor, suffix] = value < 1_000_000 ? [1000, 'k'] : [1_000_000, 'M'];
  const scaled = value / divisor;
  return `${scaled >= 100 ? Math.round(scaled) : scaled.toFixed(1).replace(/\.0$/, '')}${suffix}`;
}

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

/** A countdown: "0:42", "12:05", "1:02:09". */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(Math.abs(ms) / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** A plain duration: "45 s", "15 min", "2 h", "1 h 30 min", "3 d". */
export function formatDuration(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d`;
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
