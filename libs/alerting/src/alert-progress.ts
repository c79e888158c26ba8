import type { Alert } from './alert.schema';

type Progress = Pick<Alert, 'state' | 'audit' | 'evidence' | 'notificationCount'>;

/** How far an alert has gone, compared field by field: its state, then its history, hits and pages. */
function progress(alert: Progress): number[] {
  return [
    alert.state === 'resolved' ? 2 : alert.state === 'acknowledged' ? 1 : 0,
    alert.audit.length,
    alert.evidence.count,
    alert.notificationCount,
  ];
}

/**
 * True when `candidate` is an older copy of the alert than `current`. A console gets copies
 * from events, command answers and HTTP reads, which may cross on the way: an alert only moves
 * forward (state, then audit entries, hits, pages), so the copy that has gone further wins.
 */
export function isOlderCopy(candidate: Progress, current: Progress): boolean {
  const a = progress(candidate);
  const b = progress(current);
  for (let index = 0; index < a.length; index += 1) {
    const left = a[index] ?? 0;
    const right = b[index] ?? 0;
    if (left !== right) return left < right;
  }
  return false;
}
