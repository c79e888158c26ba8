import type { CrisisPlan } from '@tocsin/crisis-plan';
import { z } from 'zod';
import type { Alert, Notification } from './alert.schema';
import { describeJoined } from './incident-lifecycle';
import type { Incident, IncidentNotification } from './incident.schema';
import { joinedOf } from './notification-payloads';
import type { ConsoleEvent } from './outbox';

/** An e-mail page to send through SMTP; `attempts` counts the attempts made so far. */
export const emailMessageSchema = z
  .object({
    channel: z.literal('email'),
    /** Idempotency key, sent as the Message-ID's local part: a mailbox can tell a re-sent page. */
    key: z.string().min(1),
    alertId: z.string(),
    to: z.string().email(),
    subject: z.string().min(1).max(998),
    text: z.string().min(1),
    attempts: z.number().int().nonnegative(),
  })
  .strict();
export type EmailMessage = z.infer<typeof emailMessageSchema>;

const REASON_WORDING: Record<Notification['reason'], string> = {
  opened: 'New alert',
  escalated: 'Escalated',
  repeat: 'Still unacknowledged',
  upgraded: 'Level raised',
};

function alertLink(consoleUrl: string, alert: Alert): string {
  return `${consoleUrl}?alert=${encodeURIComponent(alert.id)}`;
}

/** The page as a person reads it in a mailbox: what, which brand, why, the latest evidence, where to act. */
export function renderEmailPage(
  notification: Notification,
  alert: Alert,
  plan: CrisisPlan,
  consoleUrl: string,
): { subject: string; text: string } {
  const brand = plan.brands.find((candidate) => candidate.id === alert.brandId)?.name ?? alert.brandId;
  const level = plan.levels.find((candidate) => candidate.id === alert.level);
  const link = alertLink(consoleUrl, alert);
  const samples = alert.evidence.samples.slice(-3).map((sample) => {
    const who = sample.evidence.author ? `${sample.evidence.author}: ` : '';
    return `  - ${who}${sample.evidence.text ?? sample.reason}`;
  });
  const lines = [
    `${REASON_WORDING[notification.reason]}: ${level?.name ?? alert.level} — ${brand}`,
    '',
    alert.reason,
    '',
    `Hits so far: ${alert.evidence.count}; escalation step ${notification.step + 1}.`,
    ...(samples.length > 0 ? ['Latest evidence:', ...samples] : []),
    ...(level ? ['', 'Playbook:', ...level.playbook.steps.map((step, index) => `  ${index + 1}. ${step}`)] : []),
    '',
    `Open it in Tocsin to acknowledge: ${link}`,
  ];
  return {
    subject: `[Tocsin] ${REASON_WORDING[notification.reason]} · ${level?.name ?? alert.level} · ${brand}`,
    text: `${lines.join('\n')}\n`,
  };
}

/** An incident page in a mailbox: one page for the incident, naming the signals that joined it. */
export function renderIncidentEmailPage(
  notification: IncidentNotification,
  incident: Incident,
  plan: CrisisPlan,
  consoleUrl: string,
): { subject: string; text: string } {
  const brand = plan.brands.find((candidate) => candidate.id === incident.brandId)?.name ?? incident.brandId;
  const level = plan.levels.find((candidate) => candidate.id === incident.level);
  const joined = joinedOf(notification, incident);
  const lines = [
    `${REASON_WORDING[notification.reason]}: incident ${level?.name ?? incident.level} — ${brand}`,
    '',
    incident.title,
    '',
    `${incident.alerts.length} signal${incident.alerts.length === 1 ? '' : 's'} in the incident; escalation step ${notification.step + 1}.`,
    ...(joined.length > 0
      ? [`${describeJoined(joined.length)}:`, ...joined.map((member) => `  - ${member.reason}`)]
      : []),
    ...(level ? ['', 'Playbook:', ...level.playbook.steps.map((step, index) => `  ${index + 1}. ${step}`)] : []),
    '',
    `Open it in Tocsin to acknowledge: ${consoleUrl}?incident=${encodeURIComponent(incident.id)}`,
  ];
  return {
    subject: `[Tocsin] ${REASON_WORDING[notification.reason]} · incident ${level?.name ?? incident.level} · ${brand}`,
    text: `${lines.join('\n')}\n`,
  };
}

/**
 * The e-mail pages of a batch of alert and incident events: one per page and recipient who has
 * an e-mail contact in the plan, keyed like the page's webhooks so a re-sent page keeps its key.
 */
export function composeEmailPages(
  events: readonly ConsoleEvent[],
  lastSubject: ReadonlyMap<string, Alert | Incident>,
  plan: CrisisPlan,
  consoleUrl: string,
): EmailMessage[] {
  const messages: EmailMessage[] = [];
  for (const event of events) {
    if (event.kind !== 'alert.escalated' && event.kind !== 'incident.escalated') continue;
    const paged = event.kind === 'alert.escalated' ? event.alert : event.incident;
    const rendered =
      event.kind === 'alert.escalated'
        ? renderEmailPage(
            event.notification,
            (lastSubject.get(paged.id) as Alert | undefined) ?? event.alert,
            plan,
            consoleUrl,
          )
        : renderIncidentEmailPage(
            event.notification,
            (lastSubject.get(paged.id) as Incident | undefined) ?? event.incident,
            plan,
            consoleUrl,
          );
    for (const userId of event.notification.recipients) {
      const to = plan.people.find((person) => person.id === userId)?.contacts.email;
      if (!to) continue;
      messages.push({
        channel: 'email',
        key: `${paged.id}/page-${paged.notificationCount}/email-${userId}`,
        alertId: paged.id,
        to,
        ...rendered,
        attempts: 0,
      });
    }
  }
  return messages;
}
