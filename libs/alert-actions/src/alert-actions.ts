import {
  acknowledge,
  acknowledgeIncident,
  addIncidentNote,
  applyHit,
  autoResolveAtMs,
  autoResolveDue,
  composeOutbox,
  dueEscalation,
  dueIncidentEscalation,
  findSilence,
  followAlert,
  groupHits,
  splitInhibited,
  incidentGroupKey,
  newSilenceSchema,
  placeAlert,
  planTargetResolver,
  resolve,
  resolveIncident,
  setIncidentOwner,
  type Alert,
  type AlertChange,
  type AlertCommandResult,
  type AlertEvent,
  type ConsoleEvent,
  type Incident,
  type IncidentChange,
  type IncidentCommandResult,
  type OutboxOptions,
  type Silence,
  withLastUpdateOnly,
} from '@tocsin/alerting';
import { authorize, checkSilence, type AccessDenialCode, type Actor } from '@tocsin/access';
import type { CrisisPlan, TriggerHit } from '@tocsin/crisis-plan';
import { describeZodError, type Clock } from '@tocsin/domain';
import type { PlanSource } from '@tocsin/plan-source';
import type { AlertStore, AlertWrite, SilenceStore } from '@tocsin/redis';
import { randomUUID } from 'node:crypto';

export interface AlertActionsLogger {
  log(message: string): void;
}

type LookupError = { ok: false; error: { code: 'not-found' | 'unknown-user' | AccessDenialCode; message: string } };

export type CommandOutcome = AlertCommandResult | Extract<IncidentCommandResult, { ok: false }> | LookupError;

export type IncidentOutcome = IncidentCommandResult | LookupError;

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

/** The fields of a write that set something: an undefined one leaves its key as an earlier write left it. */
function definedOf<W extends object>(write: W): Partial<W> {
  return Object.fromEntries(Object.entries(write).filter(([, value]) => value !== undefined)) as Partial<W>;
}

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
    events: readonly ConsoleEvent[],
    nowMs: number,
  ): AlertWrite<R> {
    const messages = composeOutbox(events, this.plan.current().plan, this.options);
    return messages.length > 0 ? { ...write, outbox: { atMs: nowMs, messages } } : write;
  }

  /** Folds one trigger hit in; a silenced hit opens nothing and is logged. */
  async handleHit(hit: TriggerHit): Promise<Alert | undefined> {
    const [alert] = await this.handleHits([hit]);
    return alert;
  }

  /**
   * Folds a batch of trigger hits in, with the outcome of folding them one by one: silences are
   * read once, and each alert group's hits are applied in one transaction (incident and pages
   * included), groups one after the other in the order of their first hit, so a group opened by
   * this batch can inhibit a later one or be joined to the incident a former one opened. A
   * crisis sends hits by the hundred per group; one transaction each is what made a storm back up.
   * @returns per group of hits no silence covers, in group order, the alert they ended in
   */
  async handleHits(hits: readonly TriggerHit[]): Promise<Array<Alert | undefined>> {
    if (hits.length === 0) return [];
    const nowMs = this.clock.now();
    const silences = await this.silences.listActive(nowMs);
    const audible = hits.filter((hit) => {
      const silence = findSilence(silences, hit, nowMs);
      if (silence) {
        this.logger.log(`hit ${hit.triggerId} for ${hit.brandId} silenced by ${silence.id} (${silence.reason})`);
      }
      return !silence;
    });
    const alerts: Array<Alert | undefined> = [];
    for (const [groupKey, ofGroup] of groupHits(audible)) alerts.push(await this.applyGroup(groupKey, ofGroup, nowMs));
    return alerts;
  }

  /**
   * One group's hits. While the group has no live alert, a hit below a live alert of the brand
   * feeds that alert (inhibition); the first hit that is not inhibited opens the group's alert,
   * and every later hit of the batch goes to it, as it would one by one.
   */
  private async applyGroup(groupKey: string, hits: readonly TriggerHit[], nowMs: number): Promise<Alert | undefined> {
    const { plan } = this.plan.current();
    const [first] = hits;
    if (first === undefined) return undefined;
    const split = splitInhibited(await this.alerts.listLive(first.brandId), groupKey, hits, plan);
    let alert: Alert | undefined;
    for (const { inhibitor, hits: fed } of split.inhibited) alert = await this.foldIntoInhibitor(inhibitor, fed, nowMs);
    const { own } = split;
    if (own.length === 0) return alert;
    return this.alerts.transactGroup(groupKey, (current) => this.foldHits(current, own, plan, nowMs));
  }

  /**
   * Inside the group's transaction: each hit is folded as `handleHit` alone would (the alert,
   * then its incident or its own escalation), on the state the previous hit left in memory, and
   * the steps become one write: the last value of every key, the events of every step.
   */
  private async foldHits(
    live: Alert | undefined,
    hits: readonly TriggerHit[],
    plan: CrisisPlan,
    nowMs: number,
  ): Promise<AlertWrite<Alert | undefined>> {
    const newAlertId = randomUUID();
    let alert = live;
    // The incident as this batch left it, once read (watched) in this transaction.
    let incident: { current: Incident | undefined } | undefined;
    const events: ConsoleEvent[] = [];
    const write: Omit<AlertWrite<Alert | undefined>, 'outbox'> = { result: undefined };
    for (const hit of hits) {
      const applied = applyHit(alert, hit, plan, nowMs, newAlertId);
      const placed = await this.placeInIncident(applied, plan, nowMs, incident);
      let step: Omit<AlertWrite<Alert>, 'outbox'>;
      if (placed) {
        incident = { current: placed.write.incident };
        step = placed.write;
        events.push(...placed.events);
      } else {
        if (applied.alert.incidentId !== undefined) incident = { current: undefined };
        const escalated = dueEscalation(applied.alert, planTargetResolver(plan), nowMs);
        step = {
          alert: escalated.alert,
          escalationDueAtMs: escalated.nextDueAtMs,
          autoResolveAtMs: autoResolveAtMs(escalated.alert, plan),
          result: escalated.alert,
        };
        events.push(...applied.events, ...escalated.events);
      }
      alert = step.result;
      Object.assign(write, definedOf(step));
    }
    return this.withOutbox(write, withLastUpdateOnly(events), nowMs);
  }

  /**
   * Under a plan with incidents, an alert that just opened joins (or opens) the incident of its
   * group, and an alert already in an incident keeps it in step; both are stored with the
   * incident and its pages. Undefined for an alert that pages on its own: no incidents in the
   * plan, or an alert stored before them, which keeps escalating as it did.
   */
  private async inIncident(applied: AlertChange, plan: CrisisPlan, nowMs: number) {
    const placed = await this.placeInIncident(applied, plan, nowMs);
    return placed && this.withOutbox(placed.write, placed.events, nowMs);
  }

  /**
   * The incident change of `inIncident` and its events, not yet with their outbox. `known` is
   * the alert's incident as already read (and watched) in this transaction, if it was.
   */
  private async placeInIncident(
    applied: AlertChange,
    plan: CrisisPlan,
    nowMs: number,
    known?: { current: Incident | undefined },
  ) {
    const settings = plan.incidents;
    const { alert } = applied;
    const opened = applied.events.some((event) => event.kind === 'alert.opened');
    if (!settings || (alert.incidentId === undefined && !opened)) return undefined;
    let change: IncidentChange;
    if (alert.incidentId !== undefined) {
      const incident = known ? known.current : await this.alerts.readIncident(alert.incidentId);
      if (!incident) return undefined;
      change = followAlert(incident, alert, plan, nowMs);
    } else {
      const groupKey = incidentGroupKey(alert, settings);
      const live = await this.alerts.readJoinableIncident(alert.brandId, groupKey, settings, nowMs);
      change = placeAlert(live, alert, plan, settings, nowMs, randomUUID());
    }
    return this.incidentStep(change, applied, plan, nowMs);
  }

  /** An alert change and the incident change it made, with the incident's due pages, as one write and its events. */
  private incidentStep(change: IncidentChange, applied: AlertChange, plan: CrisisPlan, nowMs: number) {
    const escalated = dueIncidentEscalation(change.incident, planTargetResolver(plan), nowMs);
    const member = change.alerts.find((candidate) => candidate.id === applied.alert.id) ?? applied.alert;
    // The alert's own events carry it as a member of its incident, so consoles can place it.
    const alertEvents = applied.events.map((event) => ({ ...event, alert: member }));
    const write = {
      alert: member,
      escalationDueAtMs: null,
      autoResolveAtMs: autoResolveAtMs(member, plan),
      incident: escalated.incident,
      incidentEscalationDueAtMs: escalated.nextDueAtMs,
      result: member,
    };
    const events: ConsoleEvent[] = [...alertEvents, ...change.events, ...escalated.events];
    return { write, events };
  }

  /** The hits page nobody: they become evidence of the brand's higher alert. */
  private async foldIntoInhibitor(
    inhibitor: Alert,
    hits: readonly TriggerHit[],
    nowMs: number,
  ): Promise<Alert | undefined> {
    const { plan } = this.plan.current();
    return this.alerts.transactAlert<Alert | undefined>(inhibitor.id, (current) => {
      if (!current) return { result: undefined };
      const newAlertId = randomUUID();
      let alert = current;
      const events: AlertEvent[] = [];
      for (const hit of hits) {
        const applied = applyHit(alert, hit, plan, nowMs, newAlertId);
        alert = applied.alert;
        events.push(...applied.events);
      }
      const write = { alert, autoResolveAtMs: autoResolveAtMs(alert, plan), result: alert };
      return this.withOutbox(write, withLastUpdateOnly(events), nowMs);
    });
  }

  /**
   * Acknowledges an alert; an alert in an incident is acknowledged with its whole incident (one
   * acknowledgement stops the one escalation), and the answer carries the alert as it now stands.
   */
  async acknowledge(alertId: string, actor: Actor, note?: string): Promise<CommandOutcome> {
    const incidentId = (await this.alerts.get(alertId))?.incidentId;
    if (incidentId !== undefined) {
      const outcome = await this.acknowledgeIncident(incidentId, actor, note);
      if (!outcome.ok) return outcome;
      const alert = await this.alerts.get(alertId);
      const events = outcome.events.filter((event): event is AlertEvent => 'alert' in event);
      return alert
        ? { ok: true, alert, events }
        : { ok: false, error: { code: 'not-found', message: `no alert "${alertId}"` } };
    }
    return this.command(alertId, actor, (alert, nowMs) => acknowledge(alert, actor.personId, nowMs, note));
  }

  resolve(alertId: string, actor: Actor, reason?: string): Promise<CommandOutcome> {
    return this.command(alertId, actor, (alert, nowMs) => resolve(alert, actor.personId, nowMs, reason));
  }

  acknowledgeIncident(incidentId: string, actor: Actor, note?: string): Promise<IncidentOutcome> {
    return this.incidentCommand(incidentId, actor, (incident, alerts, nowMs) =>
      acknowledgeIncident(incident, alerts, actor.personId, nowMs, note),
    );
  }

  resolveIncident(incidentId: string, actor: Actor, reason?: string): Promise<IncidentOutcome> {
    return this.incidentCommand(incidentId, actor, (incident, alerts, nowMs) =>
      resolveIncident(incident, alerts, actor.personId, nowMs, reason),
    );
  }

  addIncidentNote(incidentId: string, actor: Actor, text: string): Promise<IncidentOutcome> {
    return this.incidentCommand(incidentId, actor, (incident, _alerts, nowMs) => ({
      ok: true,
      ...addIncidentNote(incident, actor.personId, text, nowMs),
    }));
  }

  /** Gives the incident to `ownerId`, a person of the plan, as decided by the actor. */
  async setIncidentOwner(incidentId: string, ownerId: string, actor: Actor): Promise<IncidentOutcome> {
    const unknown = this.unknownPerson(ownerId);
    if (unknown) return unknown;
    return this.incidentCommand(incidentId, actor, (incident, _alerts, nowMs) => ({
      ok: true,
      ...setIncidentOwner(incident, ownerId, actor.personId, nowMs),
    }));
  }

  private unknownPerson(userId: string): LookupError | undefined {
    if (this.plan.current().plan.people.some((person) => person.id === userId)) return undefined;
    return { ok: false, error: { code: 'unknown-user', message: `no person "${userId}" in the crisis plan` } };
  }

  private async incidentCommand(
    incidentId: string,
    actor: Actor,
    apply: (incident: Incident, alerts: Alert[], nowMs: number) => IncidentCommandResult,
  ): Promise<IncidentOutcome> {
    const unknown = this.unknownPerson(actor.personId);
    if (unknown) return unknown;
    const nowMs = this.clock.now();
    return this.alerts.transactIncident<IncidentOutcome>(incidentId, (incident, alerts) => {
      if (!incident) {
        return { result: { ok: false, error: { code: 'not-found', message: `no incident "${incidentId}"` } } };
      }
      // Judged on the incident as read in the transaction: its brand is the one acted on.
      const denied = authorize(actor, 'alerts.act', incident.brandId);
      if (denied) return { result: { ok: false, error: denied } };
      const result = apply(incident, alerts, nowMs);
      if (!result.ok || (result.events.length === 0 && result.incident === incident)) return { result };
      const write = {
        incident: result.incident,
        incidentEscalationDueAtMs: result.incident.nextEscalationAtMs,
        moreAlerts: result.alerts,
        result,
      };
      return this.withOutbox(write, result.events, nowMs);
    });
  }

  private async command(
    alertId: string,
    actor: Actor,
    apply: (alert: Alert, nowMs: number) => AlertCommandResult,
  ): Promise<CommandOutcome> {
    const { plan } = this.plan.current();
    const unknown = this.unknownPerson(actor.personId);
    if (unknown) return unknown;
    const nowMs = this.clock.now();
    return this.alerts.transactAlert<CommandOutcome>(alertId, async (alert) => {
      if (!alert) return { result: { ok: false, error: { code: 'not-found', message: `no alert "${alertId}"` } } };
      // Judged on the alert as read in the transaction: its brand is the one acted on.
      const denied = authorize(actor, 'alerts.act', alert.brandId);
      if (denied) return { result: { ok: false, error: denied } };
      const result = apply(alert, nowMs);
      if (!result.ok) return { result };
      const grouped = await this.inIncident(result, plan, nowMs);
      if (grouped) return { ...grouped, result };
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
    const incidentEscalations = await this.alerts.incidentEscalations.claimDue(nowMs, TIMER_LEASE_MS, 50);
    for (const incidentId of incidentEscalations) {
      await this.alerts.transactIncident<void>(incidentId, (incident) => {
        if (!incident) return { result: undefined };
        const escalated = dueIncidentEscalation(incident, planTargetResolver(plan), nowMs);
        const write = {
          incident: escalated.incident,
          incidentEscalationDueAtMs: escalated.nextDueAtMs,
          result: undefined,
        };
        return this.withOutbox(write, escalated.events, nowMs);
      });
    }
    const autoResolves = await this.alerts.autoResolves.claimDue(nowMs, TIMER_LEASE_MS, 50);
    for (const alertId of autoResolves) {
      await this.alerts.transactAlert<void>(alertId, async (alert) => {
        if (!alert) return { result: undefined };
        const change = autoResolveDue(alert, plan, nowMs);
        const grouped = change.events.length > 0 ? await this.inIncident(change, plan, nowMs) : undefined;
        if (grouped) return { ...grouped, result: undefined };
        const write = {
          alert: change.alert,
          escalationDueAtMs: change.alert.nextEscalationAtMs,
          autoResolveAtMs: autoResolveAtMs(change.alert, plan),
          result: undefined,
        };
        return this.withOutbox(write, change.events, nowMs);
      });
    }
    return escalations.length + incidentEscalations.length + autoResolves.length;
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
