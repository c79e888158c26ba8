import { Logger } from '@nestjs/common';
import {
  acknowledge,
  alertGroupKey,
  applyHit,
  autoResolveAtMs,
  autoResolveDue,
  dueEscalation,
  findInhibitor,
  findSilence,
  newSilenceSchema,
  planTargetResolver,
  resolve,
  type Alert,
  type AlertCommandResult,
  type AlertEvent,
  type Notification,
  type Silence,
} from '@tocsin/alerting';
import type { TriggerHit } from '@tocsin/crisis-plan';
import { describeZodError, type Clock } from '@tocsin/domain';
import type { PlanSource } from '@tocsin/plan-source';
import type { AlertQuery, AlertStore, SilenceStore } from '@tocsin/redis';
import { randomUUID } from 'node:crypto';
import { toJsonPayload, toSlackPayload } from './notification-payloads';
import type { WebhookDelivery, WebhookOutbox } from './webhook.outbox';

/** Pushes alert facts to sockets; implemented by the alerts gateway. */
export interface AlertBroadcaster {
  broadcast(event: AlertEvent, userIds: readonly string[]): void;
}

export interface AlertServiceOptions {
  /** Base URL of the console, for links in webhooks. */
  consoleUrl: string;
  /** Org-wide Slack incoming webhook, if any. */
  slackWebhookUrl?: string;
  /** Org-wide generic JSON webhook, if any. */
  alertWebhookUrl?: string;
}

export type CommandOutcome =
  AlertCommandResult | { ok: false; error: { code: 'not-found' | 'unknown-user'; message: string } };

const LEASE_MS = 30_000;

/**
 * Alert lifecycle on shared state: folds trigger hits into alerts, runs due escalations and
 * auto-resolves, applies acknowledgements. Decisions are the pure functions of the alerting
 * library; this class stores them in Redis, then tells sockets and webhooks.
 */
export class AlertService {
  private readonly logger = new Logger(AlertService.name);

  constructor(
    private readonly alerts: AlertStore,
    private readonly silences: SilenceStore,
    private readonly outbox: WebhookOutbox,
    private readonly plan: PlanSource,
    private readonly clock: Clock,
    private readonly broadcaster: () => AlertBroadcaster,
    private readonly options: AlertServiceOptions,
  ) {}

  /** Folds one trigger hit in; a silenced hit opens nothing and is logged. */
  async handleHit(hit: TriggerHit): Promise<Alert | undefined> {
    const nowMs = this.clock.now();
    const silence = findSilence(await this.silences.listActive(nowMs), hit, nowMs);
    if (silence) {
      this.logger.log(`hit ${hit.triggerId} for ${hit.brandId} silenced by ${silence.id} (${silence.reason})`);
      return undefined;
    }
    const { plan } = this.plan.current();
    const inhibitor = await this.inhibitorOf(hit);
    if (inhibitor) return this.foldIntoInhibitor(inhibitor, hit, nowMs);
    const outcome = await this.alerts.transactGroup(alertGroupKey(hit), (live) => {
      const applied = applyHit(live, hit, plan, nowMs, randomUUID());
      const escalated = dueEscalation(applied.alert, planTargetResolver(plan), nowMs);
      return {
        alert: escalated.alert,
        escalationDueAtMs: escalated.nextDueAtMs,
        autoResolveAtMs: autoResolveAtMs(escalated.alert, plan),
        result: {
          events: [...applied.events, ...escalated.events],
          notifications: escalated.notifications,
          alert: escalated.alert,
        },
      };
    });
    await this.publish(outcome.events, outcome.notifications);
    return outcome.alert;
  }

  /** A live higher-level alert of the brand, when the hit's own group has no live alert. */
  private async inhibitorOf(hit: TriggerHit): Promise<Alert | undefined> {
    const live = await this.alerts.listLive(hit.brandId);
    if (live.some((alert) => alert.groupKey === alertGroupKey(hit))) return undefined;
    return findInhibitor(live, hit, this.plan.current().plan);
  }

  /** The hit pages nobody: it becomes evidence of the brand's higher alert. */
  private async foldIntoInhibitor(inhibitor: Alert, hit: TriggerHit, nowMs: number): Promise<Alert | undefined> {
    const { plan } = this.plan.current();
    const outcome = await this.alerts.transactAlert<{ alert?: Alert; events: AlertEvent[] }>(
      inhibitor.id,
      (current) => {
        if (!current) return { result: { events: [] } };
        const applied = applyHit(current, hit, plan, nowMs, randomUUID());
        return { alert: applied.alert, autoResolveAtMs: autoResolveAtMs(applied.alert, plan), result: applied };
      },
    );
    await this.publish(outcome.events, []);
    return outcome.alert;
  }

  async acknowledge(alertId: string, userId: string, note?: string): Promise<CommandOutcome> {
    return this.command(alertId, userId, (alert, nowMs) => acknowledge(alert, userId, nowMs, note));
  }

  async resolve(alertId: string, userId: string, reason?: string): Promise<CommandOutcome> {
    return this.command(alertId, userId, (alert, nowMs) => resolve(alert, userId, nowMs, reason));
  }

  private async command(
    alertId: string,
    userId: string,
    apply: (alert: Alert, nowMs: number) => AlertCommandResult,
  ): Promise<CommandOutcome> {
    const { plan } = this.plan.current();
    if (!plan.people.some((person) => person.id === userId)) {
      return { ok: false, error: { code: 'unknown-user', message: `no person "${userId}" in the crisis plan` } };
    }
    const nowMs = this.clock.now();
    const outcome = await this.alerts.transactAlert<CommandOutcome>(alertId, (alert) => {
      if (!alert) return { result: { ok: false, error: { code: 'not-found', message: `no alert "${alertId}"` } } };
      const result = apply(alert, nowMs);
      if (!result.ok) return { result };
      return {
        alert: result.alert,
        escalationDueAtMs: result.alert.nextEscalationAtMs,
        autoResolveAtMs: autoResolveAtMs(result.alert, plan),
        result,
      };
    });
    if (outcome.ok) await this.publish(outcome.events, []);
    return outcome;
  }

  /** Runs the escalations and auto-resolves that are due; every instance calls it, each alert is taken by one. */
  async runDue(): Promise<void> {
    const nowMs = this.clock.now();
    const { plan } = this.plan.current();
    for (const alertId of await this.alerts.escalations.claimDue(nowMs, LEASE_MS, 50)) {
      const outcome = await this.alerts.transactAlert(alertId, (alert) => {
        if (!alert) return { result: { events: [] as AlertEvent[], notifications: [] as Notification[] } };
        const escalated = dueEscalation(alert, planTargetResolver(plan), nowMs);
        return {
          alert: escalated.alert,
          escalationDueAtMs: escalated.nextDueAtMs,
          result: { events: escalated.events, notifications: escalated.notifications },
        };
      });
      await this.publish(outcome.events, outcome.notifications);
    }
    for (const alertId of await this.alerts.autoResolves.claimDue(nowMs, LEASE_MS, 50)) {
      const outcome = await this.alerts.transactAlert(alertId, (alert) => {
        if (!alert) return { result: [] as AlertEvent[] };
        const change = autoResolveDue(alert, plan, nowMs);
        return {
          alert: change.alert,
          escalationDueAtMs: change.alert.nextEscalationAtMs,
          autoResolveAtMs: autoResolveAtMs(change.alert, plan),
          result: change.events,
        };
      });
      await this.publish(outcome, []);
    }
  }

  private async publish(events: readonly AlertEvent[], notifications: readonly Notification[]): Promise<void> {
    const broadcaster = this.broadcaster();
    // The alert's state after this change: an opening event is sent to the people its first
    // step pages, who are known only once the escalation ran.
    const lastAlert = new Map(events.map((event) => [event.alert.id, event.alert]));
    for (const event of events) {
      const paged = lastAlert.get(event.alert.id)?.pagedUserIds ?? event.alert.pagedUserIds;
      const recipients = event.kind === 'alert.escalated' ? event.notification.recipients : paged;
      broadcaster.broadcast(event, recipients);
    }
    for (const notification of notifications) {
      const alert = lastAlert.get(notification.alertId);
      if (alert) await this.notifyOutside(notification, alert);
    }
  }

  /** Webhooks for people who are not connected: each recipient's own, plus the org-wide ones. */
  private async notifyOutside(notification: Notification, alert: Alert): Promise<void> {
    const { plan } = this.plan.current();
    const { consoleUrl, slackWebhookUrl, alertWebhookUrl } = this.options;
    const json = toJsonPayload(notification, alert, plan, consoleUrl);
    for (const userId of notification.recipients) {
      const url = plan.people.find((person) => person.id === userId)?.contacts.webhook;
      if (url) await this.outbox.enqueue(alert.id, url, 'json', { ...json, recipient: userId });
    }
    if (alertWebhookUrl) await this.outbox.enqueue(alert.id, alertWebhookUrl, 'json', json);
    if (slackWebhookUrl)
      await this.outbox.enqueue(
        alert.id,
        slackWebhookUrl,
        'slack',
        toSlackPayload(notification, alert, plan, consoleUrl),
      );
  }

  list(query: AlertQuery): Promise<Alert[]> {
    return this.alerts.list(query);
  }

  /** Open and acknowledged alerts of a brand, however old. */
  listLive(brandId: string): Promise<Alert[]> {
    return this.alerts.listLive(brandId);
  }

  get(alertId: string): Promise<Alert | undefined> {
    return this.alerts.get(alertId);
  }

  deliveries(alertId: string): Promise<WebhookDelivery[]> {
    return this.outbox.deliveries(alertId);
  }

  async createSilence(
    input: unknown,
  ): Promise<{ ok: true; silence: Silence } | { ok: false; errors: Array<{ field: string; message: string }> }> {
    const parsed = newSilenceSchema.safeParse(input);
    if (!parsed.success) return { ok: false, errors: describeZodError(parsed.error) };
    const silence: Silence = { id: randomUUID(), ...parsed.data };
    await this.silences.put(silence);
    this.logger.log(
      `silence ${silence.id} by ${silence.createdBy} until ${new Date(silence.endsAtMs).toISOString()}: ${silence.reason}`,
    );
    return { ok: true, silence };
  }

  listSilences(): Promise<Silence[]> {
    return this.silences.listActive(this.clock.now());
  }

  removeSilence(silenceId: string): Promise<boolean> {
    return this.silences.remove(silenceId);
  }
}
