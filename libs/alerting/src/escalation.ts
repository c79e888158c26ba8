import { resolveTarget, type CrisisPlan, type NotifyTarget } from '@tocsin/crisis-plan';
import { SYSTEM_ACTOR, type Alert, type AlertEvent, type AuditEntry, type Notification } from './alert.schema';

/** Who a notify target means at an instant; `planTargetResolver` answers from the active plan. */
export type TargetResolver = (target: NotifyTarget, atMs: number) => string[];

/** Resolves targets against a plan: schedules through their on-call rota, roles through its people. */
export function planTargetResolver(plan: CrisisPlan): TargetResolver {
  return (target, atMs) => resolveTarget(plan, target, atMs);
}

export interface EscalationOutcome {
  alert: Alert;
  notifications: Notification[];
  events: AlertEvent[];
  /** When to call `dueEscalation` again (ms since epoch), or null when the chain is over. */
  nextDueAtMs: number | null;
}

/** What an escalation runs on: an alert paging on its own, or an incident paging for its alerts. */
export interface EscalationState {
  state: Alert['state'];
  escalation: Alert['escalation'];
  escalationStepIndex: number;
  repeatsDone: number;
  nextEscalationAtMs: number | null;
  notificationCount: number;
  pagedUserIds: string[];
}

/** One page an escalation sends: the step of the snapshot (for a repeat, the last), whom, and why. */
export interface EscalationPage {
  step: number;
  recipients: string[];
  reason: Notification['reason'];
}

/** A line of history an escalation step leaves on its subject (the alert's audit, the incident's timeline). */
export interface EscalationRecord {
  atMs: number;
  action: 'notified' | 'escalation-skipped';
  reason: string;
}

interface Page extends EscalationPage {
  nextDueAtMs: number | null;
  stepsDone: number;
  repeatsDone: number;
}

/** The page due at `dueAtMs`: the next step of the snapshot, or a repeat once the steps ran out. */
function pageDue(
  subject: EscalationState,
  dueAtMs: number,
  resolveRecipients: TargetResolver,
  nowMs: number,
): Page | undefined {
  const { steps, repeat, cause } = subject.escalation;
  const index = subject.escalationStepIndex;
  const step = steps[index];
  if (step) {
    const recipients = [...new Set(step.targets.flatMap((target) => resolveRecipients(target, nowMs)))];
    const following = steps[index + 1];
    // A step that reaches nobody hands over to the next step at once rather than after its delay:
    // waiting 15 minutes to call a manager because the CM rota has a hole defeats the escalation.
    const nextDelayMs = following ? (recipients.length > 0 ? following.afterMs : 0) : repeat?.everyMs;
    const nextDueAtMs = nextDelayMs === undefined ? null : dueAtMs + nextDelayMs;
    const reason = index === 0 ? cause : 'escalated';
    return { step: index, recipients, reason, nextDueAtMs, stepsDone: index + 1, repeatsDone: subject.repeatsDone };
  }
  if (!repeat || subject.repeatsDone >= repeat.maxTimes) return undefined;
  const repeatsDone = subject.repeatsDone + 1;
  return {
    step: steps.length - 1,
    recipients: subject.pagedUserIds,
    reason: 'repeat',
    nextDueAtMs: repeatsDone < repeat.maxTimes ? dueAtMs + repeat.everyMs : null,
    stepsDone: index,
    repeatsDone,
  };
}

/**
 * Carries out every escalation step (or repeat) of an open subject that is due at `nowMs`, in
 * order, from its policy snapshot. Delays count from when the previous step was due, so a late
 * timer does not shift the rest of the chain. An acknowledged or resolved subject has nothing
 * due. A step whose targets resolve to nobody (a hole in the rota) sends nothing, leaves an
 * `escalation-skipped` record, and the next step runs at once in its place, its page noting
 * the step it stands in for. `record` writes each record onto the subject; `pages` holds each
 * page sent with the subject as it stood right after it.
 */
export function runDueSteps<S extends EscalationState>(
  subject: S,
  resolveRecipients: TargetResolver,
  nowMs: number,
  record: (subject: S, entry: EscalationRecord) => S,
): { subject: S; pages: Array<{ subject: S; page: EscalationPage }> } {
  let current = subject;
  const pages: Array<{ subject: S; page: EscalationPage }> = [];
  /** Steps just passed over because they reached nobody, 1-based as shown on the console. */
  let skippedSteps: number[] = [];
  while (current.state === 'open' && current.nextEscalationAtMs !== null && current.nextEscalationAtMs <= nowMs) {
    const dueAtMs = current.nextEscalationAtMs;
    const page = pageDue(current, dueAtMs, resolveRecipients, nowMs);
    if (!page) {
      current = { ...current, nextEscalationAtMs: null };
      break;
    }
    const sent = page.recipients.length > 0;
    const standsInFor =
      skippedSteps.length > 0
        ? `, in place of step${skippedSteps.length > 1 ? 's' : ''} ${skippedSteps.join(', ')} with nobody on call`
        : '';
    const goesOn =
      page.reason !== 'repeat' && page.stepsDone < current.escalation.steps.length
        ? `: step ${page.stepsDone + 1} goes on at once`
        : '';
    const entry: EscalationRecord = sent
      ? {
          atMs: nowMs,
          action: 'notified',
          reason: `${page.reason} (step ${page.step + 1}${standsInFor}): ${page.recipients.join(', ')}`,
        }
      : {
          atMs: nowMs,
          action: 'escalation-skipped',
          reason: `step ${page.step + 1} targets nobody at this time${goesOn}`,
        };
    skippedSteps = sent || page.reason === 'repeat' ? [] : [...skippedSteps, page.step + 1];
    current = record(
      {
        ...current,
        escalationStepIndex: page.stepsDone,
        repeatsDone: page.repeatsDone,
        nextEscalationAtMs: page.nextDueAtMs,
        notificationCount: current.notificationCount + (sent ? 1 : 0),
        pagedUserIds: [...new Set([...current.pagedUserIds, ...page.recipients])],
      },
      entry,
    );
    if (sent)
      pages.push({ subject: current, page: { step: page.step, recipients: page.recipients, reason: page.reason } });
  }
  return { subject: current, pages };
}

/**
 * Carries out every escalation step (or repeat) of an open alert that is due at `nowMs` (see
 * `runDueSteps`), from the policy snapshot taken when the alert opened or was upgraded, with
 * each step in the alert's audit. Schedule `nextDueAtMs` for the next call.
 */
export function dueEscalation(alert: Alert, resolveRecipients: TargetResolver, nowMs: number): EscalationOutcome {
  const { subject, pages } = runDueSteps(alert, resolveRecipients, nowMs, (current, entry) => {
    const audit: AuditEntry = { atMs: entry.atMs, actor: SYSTEM_ACTOR, action: entry.action, reason: entry.reason };
    return { ...current, audit: [...current.audit, audit] };
  });
  const notifications: Notification[] = [];
  const events: AlertEvent[] = [];
  for (const { subject: paged, page } of pages) {
    const notification: Notification = {
      alertId: paged.id,
      brandId: paged.brandId,
      level: paged.level,
      step: page.step,
      recipients: page.recipients,
      reason: page.reason,
      atMs: nowMs,
    };
    notifications.push(notification);
    events.push({ kind: 'alert.escalated', atMs: nowMs, alert: paged, notification });
  }
  return {
    alert: subject,
    notifications,
    events,
    nextDueAtMs: subject.state === 'open' ? subject.nextEscalationAtMs : null,
  };
}
