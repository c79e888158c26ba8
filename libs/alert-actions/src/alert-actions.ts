import {
  acknowledge,
  alertGroupKey,
  applyHit,
  autoResolveAtMs,
  autoResolveDue,
  composeOutbox,
  dueEscalation,
  findInhibitor,
  findSilence,
  newSilenceSchema,
  planTargetResolver,
  resolve,
  type Alert,
  type AlertCommandResult,
  type AlertEvent,
  type OutboxOptions,
  type Silence,
} from '@tocsin/alerting';
import { authorize, checkSilence, type AccessDenialCode, type Actor } from '@tocsin/access';
import type { TriggerHit } from '@tocsin/crisis-plan';
import { describeZodError, type Clock } from '@tocsin/domain';
import type { PlanSource } from '@tocsin/plan-source';
import type { AlertStore, AlertWrite, SilenceStore } from '@tocsin/redis';
import { randomUUID } from 'node:crypto';

export interface AlertActionsLogger {
  log(message: string): void;
}

export type CommandOutcome =
  AlertCommandResult | { ok: false; error: { code: 'not-found' | 'unknown-user' | AccessDenialCode; message: string } };

export type SilenceErrorCode = 'invalid_payload' | 'not_found' | AccessDenialCode | 'silence_too_long' | 'silence_over';

export type SilenceOutcome =
  | { ok: true; silence: Silence }
  | {
      ok: false;
      error: { code: SilenceErrorCode; message: string };
      /** Per field, when the body itself was malformed. */
      errors?: Array<{ field: string; message: string }>;
    };

/**
 * How long a claimed escalation or auto-resolve stays with the instance that took it: if that
 * instance dies before committing, another takes the timer over once the lease runs out.
 */
const TIMER_LEASE_MS = 5_000;

/**
 * Alert lifecycle on shared state, for the alerter (hits, timers) and the gateway (commands):
 * folds trigger hits into alerts, runs due escalations and auto-resolves, applies
 * acknowledgements. Decisions are the pure functions of the alerting library; each change is
 * stored together with what it tells consoles and webhooks (the outbox) in one Redis
 * transaction, and the alerter's relay sends those. Nothing here waits on a webhook.
 */
export class AlertActions {
  constructor(
    private readonly alerts: AlertStore,
    private readonly silences: SilenceStore,
    private readonly plan: PlanSource,
    private readonly clock: Clock,
    private readonly options: OutboxOptions,
    private readonly logger: AlertActionsLogger,
  ) {}

  /** The change and its messages, for one transaction. */
  private withOutbox<R>(
    write: Omit<AlertWrite<R>, 'outbox'>,
    events: readonly AlertEvent[],
    nowMs: number,
  ): AlertWrite<R> {
    const messages = composeOutbox(events, this.plan.current().plan, this.options);
    return messages.length > 0 ? { ...write, outbox: { atMs: nowMs, messages } } : write;
  }

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
    return this.alerts.transactGroup(alertGroupKey(hit), (live) => {
      const applied = applyHit(live, hit, plan, nowMs, randomUUID());
      const escalated = dueEscalation(applied.alert, planTargetResolver(plan), nowMs);
      const write = {
        alert: escalated.alert,
        escalationDueAtMs: escalated.nextDueAtMs,
        autoResolveAtMs: autoResolveAtMs(escalated.alert, plan),
        result: escalated.alert,
      };
      return this.withOutbox(write, [...applied.events, ...escalated.events], nowMs);
    });
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
    return this.alerts.transactAlert<Alert | undefined>(inhibitor.id, (current) => {
      if (!current) return { result: undefined };
      const applied = applyHit(current, hit, plan, nowMs, randomUUID());
      const write = {
        alert: applied.alert,
        autoResolveAtMs: autoResolveAtMs(applied.alert, plan),
        result: applied.alert,
      };
      return this.withOutbox(write, applied.events, nowMs);
    });
  }

  /** The actor's person acknowledges, if their role and brands allow it on this alert. */
  acknowledge(alertId: string, actor: Actor, note?: string): Promise<CommandOutcome> {
    return this.command(alertId, actor, (alert, nowMs) => acknowledge(alert, actor.personId, nowMs, note));
  }

  resolve(alertId: string, actor: Actor, reason?: string): Promise<CommandOutcome> {
    return this.command(alertId, actor, (alert, nowMs) => resolve(alert, actor.personId, nowMs, reason));
  }

  private async command(
    alertId: string,
    actor: Actor,
    apply: (alert: Alert, nowMs: number) => AlertCommandResult,
  ): Promise<CommandOutcome> {
    const { plan } = this.plan.current();
    const userId = actor.personId;
    if (!plan.people.some((person) => person.id === userId)) {
      return { ok: false, error: { code: 'unknown-user', message: `no person "${userId}" in the crisis plan` } };
    }
    const nowMs = this.clock.now();
    return this.alerts.transactAlert<CommandOutcome>(alertId, (alert) => {
      if (!alert) return { result: { ok: false, error: { code: 'not-found', message: `no alert "${alertId}"` } } };
      // Judged on the alert as read in the transaction: its brand is the one acted on.
      const denied = authorize(actor, 'alerts.act', alert.brandId);
      if (denied) return { result: { ok: false, error: denied } };
      const result = apply(alert, nowMs);
      if (!result.ok) return { result };
      const write = {
        alert: result.alert,
        escalationDueAtMs: result.alert.nextEscalationAtMs,
        autoResolveAtMs: autoResolveAtMs(result.alert, plan),
        result,
      };
      return this.withOutbox(write, result.events, nowMs);
    });
  }

  /**
   * Runs the escalations and auto-resolves that are due; every alerter instance calls it, each
   * alert is taken by one. Returns how many timers it ran.
   */
  async runDue(): Promise<number> {
    const nowMs = this.clock.now();
    const { plan } = this.plan.current();
    const escalations = await this.alerts.escalations.claimDue(nowMs, TIMER_LEASE_MS, 50);
    for (const alertId of escalations) {
      await this.alerts.transactAlert<void>(alertId, (alert) => {
        if (!alert) return { result: undefined };
        const escalated = dueEscalation(alert, planTargetResolver(plan), nowMs);
        const write = { alert: escalated.alert, escalationDueAtMs: escalated.nextDueAtMs, result: undefined };
        return this.withOutbox(write, escalated.events, nowMs);
      });
    }
    const autoResolves = await this.alerts.autoResolves.claimDue(nowMs, TIMER_LEASE_MS, 50);
    for (const alertId of autoResolves) {
      await this.alerts.transactAlert<void>(alertId, (alert) => {
        if (!alert) return { result: undefined };
        const change = autoResolveDue(alert, plan, nowMs);
        const write = {
          alert: change.alert,
          escalationDueAtMs: change.alert.nextEscalationAtMs,
          autoResolveAtMs: autoResolveAtMs(change.alert, plan),
          result: undefined,
        };
        return this.withOutbox(write, change.events, nowMs);
      });
    }
    return escalations.length + autoResolves.length;
  }

  /** A silence set by the actor's person, within their brands and the plan's longest silence. */
  async createSilence(input: unknown, actor: Actor): Promise<SilenceOutcome> {
    const parsed = newSilenceSchema.safeParse(input);
    if (!parsed.success) {
      const errors = describeZodError(parsed.error);
      const message = `invalid silence: ${errors.map((error) => `${error.field}: ${error.message}`).join('; ')}`;
      return { ok: false, error: { code: 'invalid_payload', message }, errors };
    }
    const nowMs = this.clock.now();
    const problem = checkSilence(actor, parsed.data, this.plan.current().plan.silenceMaxDurationMs, nowMs);
    if (problem) return { ok: false, error: problem };
    const silence: Silence = { id: randomUUID(), ...parsed.data, createdBy: actor.personId, createdAtMs: nowMs };
    await this.silences.put(silence);
    this.logger.log(
      `silence ${silence.id} of ${JSON.stringify(silence.matchers)} set by ${actor.personId} (${actor.username}) until ${new Date(silence.endsAtMs).toISOString()}: ${silence.reason}`,
    );
    return { ok: true, silence };
  }

  /** Ends a silence now; it stays in the expired trail with who ended it. */
  async endSilence(silenceId: string, actor: Actor): Promise<SilenceOutcome> {
    const silence = await this.silences.get(silenceId);
    if (!silence) return { ok: false, error: { code: 'not_found', message: `no active silence "${silenceId}"` } };
    const denied = authorize(actor, 'silences.manage', silence.matchers.brandId);
    if (denied) return { ok: false, error: denied };
    if (silence.matchers.brandId === undefined && actor.role !== 'admin') {
      return {
        ok: false,
        error: { code: 'brand_out_of_scope', message: 'a silence of every brand can only be ended by an admin' },
      };
    }
    const ended = await this.silences.end(silenceId, actor.personId, this.clock.now());
    if (!ended) return { ok: false, error: { code: 'not_found', message: `no active silence "${silenceId}"` } };
    this.logger.log(`silence ${silenceId} ended early by ${actor.personId} (${actor.username})`);
    return { ok: true, silence: ended };
  }
}
