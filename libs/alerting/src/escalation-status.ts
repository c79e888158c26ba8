import type { NotifyTarget } from '@tocsin/crisis-plan';
import type { Alert, AlertEvent } from './alert.schema';
import type { TargetResolver } from './escalation';

/**
 * What an alert's escalation does next, derived on the server so every console says the same:
 * - `resolved`: nothing more, the alert is over;
 * - `stopped`: someone acknowledged it, no further page;
 * - `finished`: still open but the policy has nothing left to send;
 * - `step`: step `step` (0-based) of the snapshot pages `targets` at `atMs`; `recipients` are
 *   the people they mean at that instant (empty: a hole in the rota, the next step follows);
 * - `repeat`: everyone paged so far (`recipients`) is paged again at `atMs`, repeat `repeat`
 *   of `maxTimes` (1-based).
 * `atMs` is absolute (ms since the epoch): a page counts down to it with its own clock.
 */
export type EscalationStatus =
  | { kind: 'resolved' }
  | { kind: 'stopped' }
  | { kind: 'finished' }
  | { kind: 'step'; atMs: number; step: number; targets: NotifyTarget[]; recipients: string[] }
  | { kind: 'repeat'; atMs: number; repeat: number; maxTimes: number; recipients: string[] };

/** An alert as consoles receive it: the stored alert and its derived escalation status. */
export type AlertView = Alert & { escalationStatus: EscalationStatus };

/** An alert event as consoles receive it, its alert with the derived status. */
export type AlertEventView = AlertEvent extends infer E
  ? E extends { alert: Alert }
    ? Omit<E, 'alert'> & { alert: AlertView }
    : never
  : never;

/**
 * The escalation status of `alert`, from its policy snapshot and progress; `resolveRecipients`
 * says whom a target means at an instant (`planTargetResolver` of the plan in force).
 */
export function escalationStatus(alert: Alert, resolveRecipients: TargetResolver): EscalationStatus {
  if (alert.state === 'resolved') return { kind: 'resolved' };
  if (alert.state === 'acknowledged') return { kind: 'stopped' };
  const atMs = alert.nextEscalationAtMs;
  if (atMs === null) return { kind: 'finished' };
  const { steps, repeat } = alert.escalation;
  const step = steps[alert.escalationStepIndex];
  if (step) {
    const recipients = [...new Set(step.targets.flatMap((target) => resolveRecipients(target, atMs)))];
    return { kind: 'step', atMs, step: alert.escalationStepIndex, targets: step.targets, recipients };
  }
  if (!repeat || alert.repeatsDone >= repeat.maxTimes) return { kind: 'finished' };
  return {
    kind: 'repeat',
    atMs,
    repeat: alert.repeatsDone + 1,
    maxTimes: repeat.maxTimes,
    recipients: [...new Set(alert.pagedUserIds)],
  };
}

export function viewAlert(alert: Alert, resolveRecipients: TargetResolver): AlertView {
  return { ...alert, escalationStatus: escalationStatus(alert, resolveRecipients) };
}

export function viewAlertEvent(event: AlertEvent, resolveRecipients: TargetResolver): AlertEventView {
  return { ...event, alert: viewAlert(event.alert, resolveRecipients) } as AlertEventView;
}
