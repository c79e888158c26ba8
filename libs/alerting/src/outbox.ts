import type { CrisisPlan } from '@tocsin/crisis-plan';
import { z } from 'zod';
import { alertEventSchema } from './alert-event.schema';
import { composeEmailPages, emailMessageSchema } from './email-page';
import type { Alert, AlertEvent } from './alert.schema';
import { toJsonPayload, toSlackPayload } from './notification-payloads';

/** An alert fact for the consoles: the brand's room and the rooms of `userIds`. */
export const socketMessageSchema = z
  .object({
    channel: z.literal('socket'),
    /** Idempotency key: a gateway delivers each key once however often the relay sends it. */
    key: z.string().min(1),
    alertId: z.string(),
    event: alertEventSchema,
    userIds: z.array(z.string()),
  })
  .strict();

export const WEBHOOK_FORMATS = ['json', 'slack'] as const;

/** A page to POST; `attempts` counts the attempts made so far. */
export const webhookMessageSchema = z
  .object({
    channel: z.literal('webhook'),
    /** Idempotency key, sent as the `Idempotency-Key` header: receivers drop a key seen before. */
    key: z.string().min(1),
    alertId: z.string(),
    url: z.string().url(),
    format: z.enum(WEBHOOK_FORMATS),
    body: z.unknown(),
    attempts: z.number().int().nonnegative(),
  })
  .strict();

/** What an alert change has to tell the outside world; stored with the change, sent by the relay. */
export const outboxMessageSchema = z.discriminatedUnion('channel', [
  socketMessageSchema,
  webhookMessageSchema,
  emailMessageSchema,
]);

export type SocketMessage = z.infer<typeof socketMessageSchema>;
export type WebhookMessage = z.infer<typeof webhookMessageSchema>;
export type OutboxMessage = z.infer<typeof outboxMessageSchema>;

export interface OutboxOptions {
  /** Base URL of the console, for links in webhooks. */
  consoleUrl: string;
  /** Org-wide Slack incoming webhook, if any. */
  slackWebhookUrl?: string;
  /** Org-wide generic JSON webhook, if any. */
  alertWebhookUrl?: string;
  /** Whether pages also go by e-mail to the recipients with an e-mail contact (SMTP is set up). */
  email?: boolean;
}

/**
 * The messages of one alert change, in the order they must be sent: each event to the
 * consoles (an opening event goes to the people its first step pages, known only once the
 * escalation ran), then each page as webhooks — each recipient's own, plus the org-wide ones.
 * Keys are derived from the alert and its page number, so the same page always has the same key.
 */
export function composeOutbox(
  events: readonly AlertEvent[],
  plan: CrisisPlan,
  options: OutboxOptions,
): OutboxMessage[] {
  const lastAlert = new Map<string, Alert>(events.map((event) => [event.alert.id, event.alert]));
  const messages: OutboxMessage[] = [];
  events.forEach((event, index) => {
    const alert = lastAlert.get(event.alert.id) ?? event.alert;
    const userIds = event.kind === 'alert.escalated' ? event.notification.recipients : alert.pagedUserIds;
    messages.push({
      channel: 'socket',
      key: `${alert.id}/${event.kind}/${event.atMs}/${index}`,
      alertId: alert.id,
      event,
      userIds,
    });
  });
  for (const event of events) {
    if (event.kind !== 'alert.escalated') continue;
    const alert = lastAlert.get(event.alert.id) ?? event.alert;
    const page = `${alert.id}/page-${event.alert.notificationCount}`;
    const webhook = (target: string, url: string, format: WebhookMessage['format'], body: unknown): WebhookMessage => ({
      channel: 'webhook',
      key: `${page}/${target}`,
      alertId: alert.id,
      url,
      format,
      body,
      attempts: 0,
    });
    const json = toJsonPayload(event.notification, alert, plan, options.consoleUrl);
    for (const userId of event.notification.recipients) {
      const url = plan.people.find((person) => person.id === userId)?.contacts.webhook;
      if (url) messages.push(webhook(`person-${userId}`, url, 'json', { ...json, recipient: userId }));
    }
    if (options.alertWebhookUrl) messages.push(webhook('org-json', options.alertWebhookUrl, 'json', json));
    if (options.slackWebhookUrl) {
      const slack = toSlackPayload(event.notification, alert, plan, options.consoleUrl);
      messages.push(webhook('org-slack', options.slackWebhookUrl, 'slack', slack));
    }
  }
  if (options.email) messages.push(...composeEmailPages(events, lastAlert, plan, options.consoleUrl));
  return messages;
}
