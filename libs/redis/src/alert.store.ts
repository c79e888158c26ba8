import {
  acceptsAlerts,
  alertSchema,
  incidentSchema,
  silenceSchema,
  type Alert,
  type Incident,
  type OutboxMessage,
  type Silence,
} from '@tocsin/alerting';
import type { IncidentSettings } from '@tocsin/crisis-plan';
import type Redis from 'ioredis';
import { DueQueue } from './due-queue';
import type { OutboxStore } from './outbox.store';
import type { RedisKeys } from './redis.factory';
import {
  confirmOnReplicas,
  NO_REPLICA_CONFIRMATION,
  UnconfirmedWriteError,
  type ReplicaConfirmation,
} from './replica-confirmation';

export interface AlertQuery {
  brandId?: string;
  state?: Alert['state'];
  level?: string;
  /** Opened at or after, ms since epoch. */
  fromMs?: number;
  /** Opened at or before, ms since epoch. */
  toMs?: number;
  limit: number;
}

/** What a transaction decided: the alert to store (if any) and a value for the caller. */
export interface AlertWrite<R> {
  alert?: Alert;
  /** When the alert's next escalation step is due; null when none. */
  escalationDueAtMs?: number | null;
  /** When the alert closes by itself if nothing new comes; null once resolved. */
  autoResolveAtMs?: number | null;
  /**
   * Other alerts changed by the same decision (an incident's acknowledgement reaches each of
   * its alerts); their timers follow their state: no escalation timer unless one is due, no
   * auto-resolve timer once resolved.
   */
  moreAlerts?: readonly Alert[];
  /** The incident the change belongs to, stored in the same transaction. */
  incident?: Incident;
  /** When the incident's next escalation step is due; null when none. */
  incidentEscalationDueAtMs?: number | null;
  /** What the change tells the outside world: committed with the alert or not at all. */
  outbox?: { atMs: number; messages: readonly OutboxMessage[] };
  result: R;
}

export interface IncidentQuery {
  brandId?: string;
  limit: number;
}

const MAX_TRANSACTION_ATTEMPTS = 20;

function parseAlert(raw: string | null): Alert | undefined {
  if (raw === null) return undefined;
  return alertSchema.parse(JSON.parse(raw));
}

function parseIncident(raw: string | null): Incident | undefined {
  if (raw === null) return undefined;
  return incidentSchema.parse(JSON.parse(raw));
}

/** Live incidents first (the ones someone has to act on), then newest first. */
function openFirst(a: Incident, b: Incident): number {
  const live = Number(a.state === 'resolved') - Number(b.state === 'resolved');
  return live !== 0 ? live : b.openedAtMs - a.openedAtMs;
}

/**
 * Alerts, their group index and their timers in Redis. Every change goes through `transact`,
 * an optimistic transaction (WATCH/MULTI) on the alert's keys: an acknowledgement on a gateway
 * and an escalation on the alerter cannot overwrite each other; the loser recomputes. The
 * change's outgoing messages are written to the outbox in the same MULTI (a transactional
 * outbox): a crash leaves both or neither, so no page is lost and none is decided twice.
 */
export class AlertStore {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly outbox: OutboxStore,
    private readonly confirmation: ReplicaConfirmation = NO_REPLICA_CONFIRMATION,
  ) {
    this.escalations = new DueQueue(redis, keys.key('alerts', 'escalations-due'));
    this.autoResolves = new DueQueue(redis, keys.key('alerts', 'auto-resolve-due'));
    this.incidentEscalations = new DueQueue(redis, keys.key('incidents', 'escalations-due'));
  }

  /** Incidents by the time their next escalation step is due. */
  readonly incidentEscalations: DueQueue;

  /** Alerts by the time their next escalation step is due. */
  readonly escalations: DueQueue;
  /** Alerts by the time they close by themselves if nothing new comes. */
  readonly autoResolves: DueQueue;

  private alertKey(alertId: string): string {
    return this.keys.key('alert', alertId);
  }

  private groupKey(groupKey: string): string {
    return this.keys.key('alert-group', groupKey);
  }

  /** Ids of the brand's open or acknowledged alerts, kept with every write. */
  private liveKey(brandId: string): string {
    return this.keys.key('alerts', 'live', brandId);
  }

  private indexKey(brandId?: string): string {
    return brandId ? this.keys.key('alerts', 'by-brand', brandId) : this.keys.key('alerts', 'all');
  }

  private incidentKey(incidentId: string): string {
    return this.keys.key('incident', incidentId);
  }

  /** Ids of the brand's (or every brand's) open or acknowledged incidents. */
  private liveIncidentsKey(brandId?: string): string {
    return brandId ? this.keys.key('incidents', 'live', brandId) : this.keys.key('incidents', 'live-all');
  }

  private incidentIndexKey(brandId?: string): string {
    return brandId ? this.keys.key('incidents', 'by-brand', brandId) : this.keys.key('incidents', 'all');
  }

  async getIncident(incidentId: string): Promise<Incident | undefined> {
    return parseIncident(await this.redis.get(this.incidentKey(incidentId)));
  }

  /** The alerts of an incident, in the order they joined; alerts since deleted are left out. */
  async alertsOf(incident: Incident): Promise<Alert[]> {
    if (incident.alerts.length === 0) return [];
    const raws = await this.redis.mget(incident.alerts.map((member) => this.alertKey(member.alertId)));
    return raws.flatMap((raw) => parseAlert(raw) ?? []);
  }

  /** Incidents, live ones first, then the newest. */
  async listIncidents(query: IncidentQuery): Promise<Incident[]> {
    const ids = await this.redis.zrevrange(this.incidentIndexKey(query.brandId), 0, -1);
    const live = new Set(await this.redis.smembers(this.liveIncidentsKey(query.brandId)));
    // Live ones are read whatever their age, then the newest resolved ones up to the limit.
    const chosen = [...ids.filter((id) => live.has(id)), ...ids.filter((id) => !live.has(id))].slice(0, query.limit);
    if (chosen.length === 0) return [];
    const raws = await this.redis.mget(chosen.map((id) => this.incidentKey(id)));
    return raws.flatMap((raw) => parseIncident(raw) ?? []).sort(openFirst);
  }

  /** The brand's open and acknowledged incidents. */
  async listLiveIncidents(brandId: string): Promise<Incident[]> {
    const ids = await this.redis.smembers(this.liveIncidentsKey(brandId));
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.incidentKey(id)));
    return raws
      .flatMap((raw) => parseIncident(raw) ?? [])
      .filter((incident) => incident.state !== 'resolved')
      .sort(openFirst);
  }

  /**
   * Inside a transaction: the incident an alert of `groupKey` would join now (the newest live
   * one of the group that still accepts alerts), watched so that two alerts opening at once
   * cannot both open an incident of the group.
   */
  async readJoinableIncident(
    brandId: string,
    groupKey: string,
    settings: IncidentSettings,
    nowMs: number,
  ): Promise<Incident | undefined> {
    await this.redis.watch(this.liveIncidentsKey(brandId));
    const candidate = (await this.listLiveIncidents(brandId)).filter(
      (incident) => incident.groupKey === groupKey && acceptsAlerts(incident, settings, nowMs),
    )[0];
    if (!candidate) return undefined;
    // Read again once watched: a copy read before the WATCH may already be stale, and writing
    // it back would drop an alert another instance joined in between.
    await this.redis.watch(this.incidentKey(candidate.id));
    const joinable = await this.getIncident(candidate.id);
    return joinable && joinable.state !== 'resolved' && acceptsAlerts(joinable, settings, nowMs) ? joinable : undefined;
  }

  /** Inside a transaction: one incident by id, watched. */
  async readIncident(incidentId: string): Promise<Incident | undefined> {
    await this.redis.watch(this.incidentKey(incidentId));
    return this.getIncident(incidentId);
  }

  /** Runs `decide` on an incident and its alerts (all watched) and stores its outcome atomically. */
  transactIncident<R>(
    incidentId: string,
    decide: (incident: Incident | undefined, alerts: Alert[]) => AlertWrite<R> | Promise<AlertWrite<R>>,
  ): Promise<R> {
    return this.transact([this.incidentKey(incidentId)], async () => {
      const incident = await this.getIncident(incidentId);
      if (!incident) return decide(undefined, []);
      if (incident.alerts.length > 0) {
        await this.redis.watch(...incident.alerts.map((member) => this.alertKey(member.alertId)));
      }
      return decide(incident, await this.alertsOf(incident));
    });
  }

  async get(alertId: string): Promise<Alert | undefined> {
    return parseAlert(await this.redis.get(this.alertKey(alertId)));
  }

  /** The brand's open and acknowledged alerts, however old. */
  async listLive(brandId: string): Promise<Alert[]> {
    const ids = await this.redis.smembers(this.liveKey(brandId));
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.alertKey(id)));
    return raws.flatMap((raw) => parseAlert(raw) ?? []).filter((alert) => alert.state !== 'resolved');
  }

  async list(query: AlertQuery): Promise<Alert[]> {
    const ids = await this.redis.zrevrangebyscore(
      this.indexKey(query.brandId),
      query.toMs ?? '+inf',
      query.fromMs ?? '-inf',
    );
    const alerts: Alert[] = [];
    // Read in pages: the filters on state and level are applied here, not by Redis.
    for (let start = 0; start < ids.length && alerts.length < query.limit; start += 200) {
      const page = ids.slice(start, start + 200);
      const raws = await this.redis.mget(page.map((id) => this.alertKey(id)));
      for (const raw of raws) {
        const alert = parseAlert(raw);
        if (!alert || (query.state && alert.state !== query.state) || (query.level && alert.level !== query.level))
          continue;
        alerts.push(alert);
        if (alerts.length >= query.limit) break;
      }
    }
    return alerts;
  }

  /** Runs `decide` on the live alert of a group (open or acknowledged) and stores its outcome atomically. */
  transactGroup<R>(
    groupKey: string,
    decide: (live: Alert | undefined) => AlertWrite<R> | Promise<AlertWrite<R>>,
  ): Promise<R> {
    return this.transact([this.groupKey(groupKey)], async () => {
      const liveId = await this.redis.get(this.groupKey(groupKey));
      // Watched before it is read, so a change by another instance in between is not lost.
      if (liveId) await this.redis.watch(this.alertKey(liveId));
      const live = liveId ? await this.get(liveId) : undefined;
      return decide(live?.state === 'resolved' ? undefined : live);
    });
  }

  /** Runs `decide` on one alert by id and stores its outcome atomically. */
  transactAlert<R>(
    alertId: string,
    decide: (alert: Alert | undefined) => AlertWrite<R> | Promise<AlertWrite<R>>,
  ): Promise<R> {
    return this.transact([this.alertKey(alertId)], async () => decide(await this.get(alertId)));
  }

  /**
   * WATCH belongs to the connection, so transactions of this process are run one at a time on
   * it; other gateway instances have their own connections and are kept apart by WATCH itself.
   */
  private transact<R>(watched: string[], read: () => Promise<AlertWrite<R>>): Promise<R> {
    const run = this.queue.then(() => this.attempt(watched, read));
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async attempt<R>(watched: string[], read: () => Promise<AlertWrite<R>>): Promise<R> {
    for (let attempt = 1; attempt <= MAX_TRANSACTION_ATTEMPTS; attempt += 1) {
      await this.redis.watch(...watched);
      let write: AlertWrite<R>;
      try {
        write = await read();
      } catch (error) {
        await this.redis.unwatch();
        throw error;
      }
      if (!write.alert && !write.incident) {
        await this.redis.unwatch();
        return write.result;
      }
      const committed = await this.write(write).exec();
      if (committed !== null && (await this.survives(write))) return write.result;
    }
    throw new Error(
      `alert transaction on ${watched.join(', ')} kept conflicting after ${MAX_TRANSACTION_ATTEMPTS} attempts`,
    );
  }

  /**
   * A change counts (its events are published, its pages sent) once replicas hold it. Across a
   * failover it counts only if the new primary holds it; otherwise the caller's decision runs
   * again on what the new primary holds, so a step lost with the old primary fires once, not
   * zero or two times. The escalation claim made before the change is confirmed with it (WAIT
   * covers every earlier write of the connection).
   */
  private async survives(write: AlertWrite<unknown>): Promise<boolean> {
    const [key, value] = write.alert
      ? [this.alertKey(write.alert.id), write.alert]
      : [this.incidentKey(write.incident?.id ?? ''), write.incident];
    try {
      await confirmOnReplicas(this.redis, this.confirmation, key);
      return true;
    } catch (error) {
      if (!(error instanceof UnconfirmedWriteError)) throw error;
      return (await this.redis.get(key)) === JSON.stringify(value);
    }
  }

  private write(write: AlertWrite<unknown>): ReturnType<Redis['multi']> {
    const multi = this.redis.multi();
    if (write.alert) this.writeAlert(multi, write.alert, write.escalationDueAtMs, write.autoResolveAtMs);
    for (const alert of write.moreAlerts ?? []) {
      this.writeAlert(multi, alert, alert.nextEscalationAtMs, alert.state === 'resolved' ? null : undefined);
    }
    if (write.incident) this.writeIncident(multi, write.incident, write.incidentEscalationDueAtMs);
    if (write.outbox) this.outbox.addTo(multi, write.outbox.atMs, write.outbox.messages);
    return multi;
  }

  private writeIncident(multi: ReturnType<Redis['multi']>, incident: Incident, dueAtMs: number | null | undefined) {
    multi.set(this.incidentKey(incident.id), JSON.stringify(incident));
    for (const key of [this.liveIncidentsKey(incident.brandId), this.liveIncidentsKey()]) {
      if (incident.state === 'resolved') multi.srem(key, incident.id);
      else multi.sadd(key, incident.id);
    }
    multi.zadd(this.incidentIndexKey(), incident.openedAtMs, incident.id);
    multi.zadd(this.incidentIndexKey(incident.brandId), incident.openedAtMs, incident.id);
    if (dueAtMs === null) multi.zrem(this.incidentEscalations.key, incident.id);
    else if (dueAtMs !== undefined) multi.zadd(this.incidentEscalations.key, dueAtMs, incident.id);
  }

  private writeAlert(
    multi: ReturnType<Redis['multi']>,
    alert: Alert,
    escalationDueAtMs: number | null | undefined,
    autoResolveAtMs: number | null | undefined,
  ): void {
    multi.set(this.alertKey(alert.id), JSON.stringify(alert));
    if (alert.state === 'resolved') {
      multi.del(this.groupKey(alert.groupKey));
      multi.srem(this.liveKey(alert.brandId), alert.id);
    } else {
      multi.set(this.groupKey(alert.groupKey), alert.id);
      multi.sadd(this.liveKey(alert.brandId), alert.id);
    }
    multi.zadd(this.indexKey(), alert.openedAtMs, alert.id);
    multi.zadd(this.indexKey(alert.brandId), alert.openedAtMs, alert.id);
    if (escalationDueAtMs !== undefined) {
      if (escalationDueAtMs === null) multi.zrem(this.escalations.key, alert.id);
      else multi.zadd(this.escalations.key, escalationDueAtMs, alert.id);
    }
    if (autoResolveAtMs !== undefined) {
      if (autoResolveAtMs === null) multi.zrem(this.autoResolves.key, alert.id);
      else multi.zadd(this.autoResolves.key, autoResolveAtMs, alert.id);
    }
  }
}

/** Expired silences kept as a trail; the oldest beyond this are dropped. */
const EXPIRED_SILENCES_KEPT = 1_000;

/** Silences by id; one that runs out or is ended moves to the expired trail instead of vanishing. */
export class SilenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  private activeKey(): string {
    return this.keys.key('silences');
  }

  private expiredKey(): string {
    return this.keys.key('silences-expired');
  }

  private expiredByEndKey(): string {
    return this.keys.key('silences-expired-by-end');
  }

  async put(silence: Silence): Promise<void> {
    await this.redis.hset(this.activeKey(), silence.id, JSON.stringify(silence));
  }

  /** A silence not yet over (future ones included). */
  async get(silenceId: string): Promise<Silence | undefined> {
    const raw = await this.redis.hget(this.activeKey(), silenceId);
    if (raw === null) return undefined;
    const parsed = silenceSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  /** Silences not yet over, earliest start first; those that ran out are moved to the expired trail. */
  async listActive(nowMs: number): Promise<Silence[]> {
    const all = await this.redis.hgetall(this.activeKey());
    const silences: Silence[] = [];
    const expired: Silence[] = [];
    const unreadable: string[] = [];
    for (const [id, raw] of Object.entries(all)) {
      const parsed = silenceSchema.safeParse(JSON.parse(raw));
      if (!parsed.success) unreadable.push(id);
      else if (parsed.data.endsAtMs <= nowMs) expired.push(parsed.data);
      else silences.push(parsed.data);
    }
    if (unreadable.length > 0) await this.redis.hdel(this.activeKey(), ...unreadable);
    if (expired.length > 0) await this.retire(expired);
    return silences.sort((a, b) => a.startsAtMs - b.startsAtMs);
  }

  /**
   * Ends a silence now, recording who ended it; it joins the expired trail.
   * @returns the silence as ended, or undefined when no such silence is active
   */
  async end(silenceId: string, endedBy: string, nowMs: number): Promise<Silence | undefined> {
    const silence = await this.get(silenceId);
    if (!silence) return undefined;
    const ended: Silence = { ...silence, endsAtMs: Math.max(silence.startsAtMs + 1, nowMs), endedBy };
    await this.retire([ended]);
    return ended;
  }

  /** Silences that ran out or were ended, most recently ended first: who muted what, when, and why. */
  async listExpired(limit: number): Promise<Silence[]> {
    const ids = await this.redis.zrevrange(this.expiredByEndKey(), 0, limit - 1);
    if (ids.length === 0) return [];
    const raws = await this.redis.hmget(this.expiredKey(), ...ids);
    return raws.flatMap((raw) => {
      if (raw === null) return [];
      const parsed = silenceSchema.safeParse(JSON.parse(raw));
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** Moves silences to the expired trail in one transaction, keeping the newest EXPIRED_SILENCES_KEPT. */
  private async retire(silences: readonly Silence[]): Promise<void> {
    const multi = this.redis.multi();
    for (const silence of silences) {
      multi.hdel(this.activeKey(), silence.id);
      multi.hset(this.expiredKey(), silence.id, JSON.stringify(silence));
      multi.zadd(this.expiredByEndKey(), silence.endsAtMs, silence.id);
    }
    await multi.exec();
    const overflow = await this.redis.zrange(this.expiredByEndKey(), '0', String(-EXPIRED_SILENCES_KEPT - 1));
    if (overflow.length > 0) {
      await this.redis
        .multi()
        .zrem(this.expiredByEndKey(), ...overflow)
        .hdel(this.expiredKey(), ...overflow)
        .exec();
    }
  }
}
