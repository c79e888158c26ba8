import type { CrisisPlan } from '@tocsin/crisis-plan';
import { z } from 'zod';
import { alertEventSchema } from './alert-event.schema';
import { composeEmailPages, emailMessageSchema } from './email-page';
import type { Alert, AlertEvent } from './alert.schema';
import { incidentEventSchema, type Incident, type IncidentEvent } from './incident.schema';
import { toIncidentJsonPayload, toIncidentSlackPayload, toJsonPayload, toSlackPayload } from './notification-payloads';

/** A fact about an alert or an incident, as the consoles receive it. */
export type ConsoleEvent = AlertEvent | IncidentEvent;

/** An alert or incident fact for the consoles: the brand's room and the rooms of `userIds`. */
export const socketMessageSchema = z
  .object({
    channel: z.literal('socket'),
    /** Idempotency key: a gateway delivers each key once however often the relay sends it. */
    key: z.string().min(1),
    /** The alert or incident the event is about (the Kafka key on `alerts.events`). */
    alertId: z.string(),
    event: z.union([alertEventSchema, incidentEventSchema]),
    userIds: z.array(z.string()),
  })
  .strict();

/** The alert or incident a console event is about. */
export function subjectOf(event: ConsoleEvent): Alert | Incident {
  return 'alert' in event ? event.alert : event.incident;
}

/**
 * How far an alert or incident has come: every change that tells something adds an audit or
 * timeline entry or a piece of evidence, so two changes of one subject never share a revision,
 * even in the same millisecond (a batch of hits applies several at one instant).
 */
function revisionOf(subject: Alert | Incident): number {
  return 'audit' in subject ? subject.audit.length + subject.evidence.count : subject.timeline.length;
}

export const WEBHOOK_FORMATS = ['json', 'slack'] as const;

/** A page to POST; `attempts` counts the attempts made so far. */
export const webhookMessageSchema = z
  .object({
    channel: z.literal('webhook'),
    /** Idempotency key, sent as the `Idempotency-Key` header: receivers drop a key seen before. */
    key: z.string().min(1),
    /** The alert or incident paged: its delivery log holds the attempts. */
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
 * The messages of one alert or incident change, in the order they must be sent: each event to
 * the consoles (an opening event goes to the people its first step pages, known only once the
 * escalation ran), then each page as webhooks — each recipient's own, plus the org-wide ones.
 * Keys are derived from the subject, its revision and its page number, so the same page always
 * has the same key and two changes never share one.
 */
export function composeOutbox(
  events: readonly ConsoleEvent[],
  plan: CrisisPlan,
  options: OutboxOptions,
): OutboxMessage[] {
  const last = new Map<string, Alert | Incident>(events.map((event) => [subjectOf(event).id, subjectOf(event)]));
  const messages: OutboxMessage[] = [];
  events.forEach((event, index) => {
    const subject = last.get(subjectOf(event).id) ?? subjectOf(event);
    const userIds =
      event.kind === 'alert.escalated' || event.kind === 'incident.escalated'
        ? event.notification.recipients
        : subject.pagedUserIds;
    messages.push({
      channel: 'socket',
      key: `${subject.id}/${event.kind}/${event.atMs}/r${revisionOf(subject)}/${index}`,
      alertId: subject.id,
      event,
      userIds,
    });
  });
  for (const event of events) {
    if (event.kind !== 'alert.escalated' && event.kind !== 'incident.escalated') continue;
    const paged = subjectOf(event);
    const page = `${paged.id}/page-${paged.notificationCount}`;
    const webhook = (target: string, url: string, format: WebhookMessage['format'], body: unknown): WebhookMessage => ({
      channel: 'webhook',
      key: `${page}/${target}`,
      alertId: paged.id,
      url,
      format,
      body,
      attempts: 0,
    });
    const json =
      event.kind === 'alert.escalated'
        ? toJsonPayload(event.notification, event.alert, plan, options.consoleUrl)
        : toIncidentJsonPayload(event.notification, event.incident, plan, options.consoleUrl);
    for (const userId of event.notification.recipients) {
      const url = plan.people.find((person) => person.id === userId)?.contacts.webhook;
      if (url) messages.push(webhook(`person-${userId}`, url, 'json', { ...json, recipient: userId }));
    }
    if (options.alertWebhookUrl) messages.push(webhook('org-json', options.alertWebhookUrl, 'json', json));
    if (options.slackWebhookUrl) {
      const slack =
        event.kind === 'alert.escalated'
          ? toSlackPayload(event.notification, event.alert, plan, options.consoleUrl)
          : toIncidentSlackPayload(event.notification, event.incident, plan, options.consoleUrl);
      messages.push(webhook('org-slack', options.slackWebhookUrl, 'slack', slack));
    }
  }
  if (options.email) messages.push(...composeEmailPages(events, last, plan, options.consoleUrl));
  return messages;
}
