/*
 * The countdowns shown on an alert: its response deadline and what its escalation does next.
 * The escalation status comes derived from the server; the page only counts down to its instant.
 */
import type { Alert, EscalationStatus } from '@tocsin/alerting';
import type { NotifyTarget } from '@tocsin/crisis-plan';
import { formatClock, formatDuration } from '@tocsin/domain/format-duration';
import { personName, roleLabel, state } from './console-state';

export type Tone = 'ok' | 'soon' | 'overdue' | 'late' | 'met' | 'stopped' | 'none';

export interface TimingStatus {
  tone: Tone;
  text: string;
  /** Who the next page reaches, for a tooltip. */
  detail?: string;
}

/** The level's response budget and when it runs out, or null when the plan has no such level. */
export function deadlineOf(alert: Alert): { budgetMs: number; atMs: number } | null {
  const level = state.levelById.get(alert.level);
  if (!level) return null;
  const budgetMs = level.playbook.responseDeadlineMs;
  return { budgetMs, atMs: alert.openedAtMs + budgetMs };
}

/** Where the response deadline stands: counting down, overdue, or met by the acknowledgement. */
export function deadlineStatus(alert: Alert, nowMs: number): TimingStatus | null {
  const deadline = deadlineOf(alert);
  if (!deadline) return null;
  if (alert.state === 'open') {
    const left = deadline.atMs - nowMs;
    return left >= 0
      ? { tone: left < 60_000 ? 'soon' : 'ok', text: `respond within ${formatClock(left)}` }
      : { tone: 'overdue', text: `overdue by ${formatClock(left)}` };
  }
  const answeredAt = alert.acknowledgedAtMs ?? alert.resolvedAtMs;
  if (!answeredAt) return null;
  const late = answeredAt - deadline.atMs;
  return late > 0
    ? { tone: 'late', text: `answered ${formatDuration(late)} late` }
    : { tone: 'met', text: `answered in ${formatDuration(answeredAt - alert.openedAtMs)}` };
}

function describeTarget(target: NotifyTarget): string {
  if ('user' in target) return personName(target.user);
  if ('role' in target) return `the ${roleLabel(target.role)}`;
  return `whoever is on call (${target.schedule})`;
}

function describeRecipients(recipients: readonly string[]): string {
  return recipients.length > 0
    ? `pages ${recipients.map(personName).join(', ')}`
    : 'reaches nobody: the next step follows at once';
}

/** "escalates to the manager in 0:42", "pages again in 0:02 (1/3)", or why nothing more will happen. */
export function describeEscalation(status: EscalationStatus, nowMs: number): TimingStatus | null {
  switch (status.kind) {
    case 'resolved':
      return null;
    case 'stopped':
      return { tone: 'stopped', text: 'escalation stopped' };
    case 'finished':
      return { tone: 'none', text: 'no further escalation' };
    case 'step':
    case 'repeat': {
      const left = status.atMs - nowMs;
      const when = left > 0 ? `in ${formatClock(left)}` : 'now';
      const detail = describeRecipients(status.recipients);
      return status.kind === 'step'
        ? {
            tone: left < 30_000 ? 'soon' : 'ok',
            text: `escalates to ${status.targets.map(describeTarget).join(', ')} ${when}`,
            detail,
          }
        : { tone: 'soon', text: `pages again ${when} (${status.repeat}/${status.maxTimes})`, detail };
    }
  }
}
