import type { CrisisPlan } from '@tocsin/crisis-plan';
import { z } from 'zod';
import type { Alert, AlertEvent, Notification } from './alert.schema';

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

/**
 * The e-mail pages of a batch of alert events: one per page and recipient who has an e-mail
 * contact in the plan, keyed like the page's webhooks so a re-sent page keeps its key.
 */
export function composeEmailPages(
  events: readonly AlertEvent[],
  lastAlert: ReadonlyMap<string, Alert>,
  plan: CrisisPlan,
  consoleUrl: string,
): EmailMessage[] {
  const messages: EmailMessage[] = [];
  for (const event of events) {
    if (event.kind !== 'alert.escalated') continue;
    const alert = lastAlert.get(event.alert.id) ?? event.alert;
    const rendered = renderEmailPage(event.notification, alert, plan, consoleUrl);
    for (const userId of event.notification.recipients) {
      const to = plan.people.find((person) => person.id === userId)?.contacts.email;
      if (!to) continue;
      messages.push({
        channel: 'email',
        key: `${alert.id}/page-${event.alert.notificationCount}/email-${userId}`,
        alertId: alert.id,
        to,
        ...rendered,
        attempts: 0,
      });
    }
  }
  return messages;
}
