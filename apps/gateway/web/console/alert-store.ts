import type { AlertView } from '@tocsin/alerting';
import { isOlderCopy } from '@tocsin/alerting/alert-progress';

/** Keeps whichever copy of an alert has gone further; returns whether `alert` was kept. */
export function upsertAlert(alerts: Map<string, AlertView>, alert: AlertView): boolean {
  const previous = alerts.get(alert.id);
  if (previous && isOlderCopy(alert, previous)) return false;
  alerts.set(alert.id, alert);
  return true;
}
