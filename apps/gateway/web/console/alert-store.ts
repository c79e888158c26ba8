import type { Alert } from '@tocsin/alerting';

/** How far an alert has gone, compared field by field: its state, then its history, hits and pages. */
function progress(alert: Alert): number[] {
  return [
    alert.state === 'resolved' ? 2 : alert.state === 'acknowledged' ? 1 : 0,
    alert.audit.length,
    alert.evidence.count,
    alert.notificationCount,
  ];
}

/** True when `next` is an older copy than `previous`: events and command answers may cross. */
export function isBehind(next: Alert, previous: Alert): boolean {
  const a = progress(next);
  const b = progress(previous);
  for (let index = 0; index < a.length; index += 1) {
    const left = a[index] ?? 0;
    const right = b[index] ?? 0;
    if (left !== right) return left < right;
  }
  return false;
}

/** Keeps whichever copy of an alert has gone further; returns whether `alert` was kept. */
export function upsertAlert(alerts: Map<string, Alert>, alert: Alert): boolean {
  const previous = alerts.get(alert.id);
  if (previous && isBehind(alert, previous)) return false;
  alerts.set(alert.id, alert);
  return true;
}
