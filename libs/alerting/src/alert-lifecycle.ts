import { formatDurationMs, type CrisisPlan, type HitEvidence, type TriggerHit } from '@tocsin/crisis-plan';
import {
  MAX_ALERT_SAMPLES,
  SYSTEM_ACTOR,
  type Alert,
  type AlertEvent,
  type AlertEvidence,
  type AuditEntry,
  type EscalationSnapshot,
} from './alert.schema';
import { levelRank } from './level-rank';

const MINUTE_MS = 60_000;

export interface AlertChange {
  alert: Alert;
  events: AlertEvent[];
}

/** A command on an alert either applies (possibly as a no-op) or is refused with a stable code. */
export type AlertCommandResult =
  ({ ok: true } & AlertChange) | { ok: false; error: { code: 'alert-resolved'; message: string } };

/** The key grouping hits into one alert: one brand, one trigger group. */
export function alertGroupKey(hit: Pick<TriggerHit, 'brandId' | 'group'>): string {
  return `${hit.brandId}/${hit.group}`;
}

function snapshotEscalation(
  plan: CrisisPlan,
  level: string,
  cause: EscalationSnapshot['cause'],
  nowMs: number,
): EscalationSnapshot {
  const policyId = plan.levels.find((candidate) => candidate.id === level)?.escalationPolicy ?? '';
  const policy = plan.escalation[policyId];
  return {
    policyId,
    level,
    planVersion: plan.version,
    cause,
    startedAtMs: nowMs,
    // Deep copies: the snapshot must not share objects with a plan that may be reloaded.
    steps: structuredClone(policy?.steps ?? []),
    ...(policy?.repeat ? { repeat: { ...policy.repeat } } : {}),
  };
}

function firstDueAtMs(snapshot: EscalationSnapshot): number | null {
  const first = snapshot.steps[0];
  return first ? snapshot.startedAtMs + first.afterMs : null;
}

function sampleOf(hit: TriggerHit): AlertEvidence['samples'][number] {
  return { atMs: hit.atMs, triggerId: hit.triggerId, reason: hit.reason, evidence: hit.evidence };
}

/** What makes a hit a replay of an earlier one: the same mention, or the same signal interval. */
function evidenceKey(evidence: HitEvidence): string | undefined {
  if (evidence.mentionKey !== undefined) return evidence.mentionKey;
  return evidence.signal ? `${evidence.signal.metric}@${evidence.signal.intervalEnd}` : undefined;
}

function isReplayed(evidence: AlertEvidence, hit: TriggerHit): boolean {
  const key = evidenceKey(hit.evidence);
  return (
    key !== undefined && evidence.samples.some((s) => s.triggerId === hit.triggerId && evidenceKey(s.evidence) === key)
  );
}

function addEvidence(evidence: AlertEvidence, hit: TriggerHit, nowMs: number): AlertEvidence {
  const minute = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  const currentMinuteCount = minute === evidence.currentMinuteStartMs ? evidence.currentMinuteCount + 1 : 1;
  return {
    count: evidence.count + 1,
    firstSeenAtMs: Math.min(evidence.firstSeenAtMs, nowMs),
    lastSeenAtMs: Math.max(evidence.lastSeenAtMs, nowMs),
    peakPerMin: Math.max(evidence.peakPerMin, currentMinuteCount),
    currentMinuteStartMs: Math.max(minute, evidence.currentMinuteStartMs),
    currentMinuteCount,
    triggerIds: evidence.triggerIds.includes(hit.triggerId)
      ? evidence.triggerIds
      : [...evidence.triggerIds, hit.triggerId],
    samples: [...evidence.samples, sampleOf(hit)].slice(-MAX_ALERT_SAMPLES),
  };
}

function openAlert(hit: TriggerHit, plan: CrisisPlan, nowMs: number, newId: string): AlertChange {
  const escalation = snapshotEscalation(plan, hit.level, 'opened', nowMs);
  const minute = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  const alert: Alert = {
    id: newId,
    groupKey: alertGroupKey(hit),
    brandId: hit.brandId,
    triggerId: hit.triggerId,
    level: hit.level,
    state: 'open',
    reason: hit.reason,
    planVersion: plan.version,
    openedAtMs: nowMs,
    evidence: {
      count: 1,
      firstSeenAtMs: nowMs,
      lastSeenAtMs: nowMs,
      peakPerMin: 1,
      currentMinuteStartMs: minute,
      currentMinuteCount: 1,
      triggerIds: [hit.triggerId],
      samples: [sampleOf(hit)],
    },
    escalation,
    escalationStepIndex: 0,
    repeatsDone: 0,
    nextEscalationAtMs: firstDueAtMs(escalation),
    notificationCount: 0,
    pagedUserIds: [],
    audit: [{ atMs: nowMs, actor: SYSTEM_ACTOR, action: 'opened', to: 'open', reason: hit.reason }],
  };
  return { alert, events: [{ kind: 'alert.opened', atMs: nowMs, alert }] };
}

function upgradeAlert(existing: Alert, hit: TriggerHit, plan: CrisisPlan, nowMs: number): AlertChange {
  const escalation = snapshotEscalation(plan, hit.level, 'upgraded', nowMs);
  const entry: AuditEntry = {
    atMs: nowMs,
    actor: SYSTEM_ACTOR,
    action: 'upgraded',
    from: existing.state,
    to: 'open',
    reason: `${existing.level} → ${hit.level}: ${hit.reason}`,
  };
  const rest: Alert = { ...existing };
  delete rest.acknowledgedAtMs;
  delete rest.acknowledgedBy;
  const alert: Alert = {
    ...rest,
    triggerId: hit.triggerId,
    level: hit.level,
    // A higher level needs fresh eyes, even if a lower one had been acknowledged.
    state: 'open',
    reason: hit.reason,
    planVersion: plan.version,
    evidence: addEvidence(existing.evidence, hit, nowMs),
    escalation,
    escalationStepIndex: 0,
    repeatsDone: 0,
    nextEscalationAtMs: firstDueAtMs(escalation),
    audit: [...existing.audit, entry],
  };
  return { alert, events: [{ kind: 'alert.upgraded', atMs: nowMs, alert, fromLevel: existing.level }] };
}

/**
 * Folds one trigger hit into the alert of its group. Without a live alert (none, or the last
 * one resolved) a new alert `newId` opens; a live alert gathers the evidence instead of a second
 * alert being raised; a hit of a higher level upgrades it, re-opens it if acknowledged and
 * restarts escalation from the new level's policy. A mention already counted for the same
 * trigger (a replay) changes nothing. Call `dueEscalation` afterwards to send what is due.
 * Silences are the caller's to check first (`isSilenced`).
 */
export function applyHit(
  existing: Alert | undefined,
  hit: TriggerHit,
  plan: CrisisPlan,
  nowMs: number,
  newId: string,
): AlertChange {
  if (existing === undefined || existing.state === 'resolved') return openAlert(hit, plan, nowMs, newId);
  if (levelRank(plan, hit.level) > levelRank(plan, existing.level)) return upgradeAlert(existing, hit, plan, nowMs);
  if (isReplayed(existing.evidence, hit)) return { alert: existing, events: [] };
  const alert: Alert = { ...existing, evidence: addEvidence(existing.evidence, hit, nowMs) };
  return { alert, events: [{ kind: 'alert.updated', atMs: nowMs, alert }] };
}

function refuseResolved(alert: Alert): AlertCommandResult {
  return { ok: false, error: { code: 'alert-resolved', message: `alert ${alert.id} is already resolved` } };
}

/**
 * Marks an open alert as taken care of by `userId`: the escalation chain stops. Acknowledging
 * an acknowledged alert changes nothing (a retried socket command); a resolved one is refused.
 */
export function acknowledge(alert: Alert, userId: string, nowMs: number, note?: string): AlertCommandResult {
  if (alert.state === 'resolved') return refuseResolved(alert);
  if (alert.state === 'acknowledged') return { ok: true, alert, events: [] };
  const entry: AuditEntry = {
    atMs: nowMs,
    actor: userId,
    action: 'acknowledged',
    from: 'open',
    to: 'acknowledged',
    reason: note ?? 'acknowledged',
  };
  const acknowledged: Alert = {
    ...alert,
    state: 'acknowledged',
    acknowledgedAtMs: nowMs,
    acknowledgedBy: userId,
    nextEscalationAtMs: null,
    audit: [...alert.audit, entry],
  };
  return {
    ok: true,
    alert: acknowledged,
    events: [{ kind: 'alert.acknowledged', atMs: nowMs, alert: acknowledged, by: userId }],
  };
}

function closeAlert(
  alert: Alert,
  actor: string,
  nowMs: number,
  reason: string,
  action: 'resolved' | 'auto-resolved',
): AlertChange {
  const entry: AuditEntry = { atMs: nowMs, actor, action, from: alert.state, to: 'resolved', reason };
  const resolved: Alert = {
    ...alert,
    state: 'resolved',
    resolvedAtMs: nowMs,
    resolvedBy: actor,
    nextEscalationAtMs: null,
    audit: [...alert.audit, entry],
  };
  return { alert: resolved, events: [{ kind: 'alert.resolved', atMs: nowMs, alert: resolved, by: actor, reason }] };
}

/** Closes an alert on behalf of `userId`. Resolving a resolved alert changes nothing. */
export function resolve(alert: Alert, userId: string, nowMs: number, reason?: string): AlertCommandResult {
  if (alert.state === 'resolved') return { ok: true, alert, events: [] };
  return { ok: true, ...closeAlert(alert, userId, nowMs, reason ?? 'resolved', 'resolved') };
}

/** How long without a hit closes an alert: its level's setting, else the plan's. */
export function autoResolveAfterMsFor(alert: Alert, plan: CrisisPlan): number {
  const level = plan.levels.find((candidate) => candidate.id === alert.level);
  return level?.autoResolveAfterMs ?? plan.autoResolveAfterMs;
}

/** When the alert will close by itself if no hit comes (ms since epoch); null once resolved. */
export function autoResolveAtMs(alert: Alert, plan: CrisisPlan): number | null {
  return alert.state === 'resolved' ? null : alert.evidence.lastSeenAtMs + autoResolveAfterMsFor(alert, plan);
}

/**
 * Resolves the alert when its condition has been clear (no hit) for the auto-resolve time of
 * its level or plan; otherwise returns it unchanged with no event.
 */
export function autoResolveDue(alert: Alert, plan: CrisisPlan, nowMs: number): AlertChange {
  const dueAtMs = autoResolveAtMs(alert, plan);
  if (dueAtMs === null || nowMs < dueAtMs) return { alert, events: [] };
  const quiet = formatDurationMs(autoResolveAfterMsFor(alert, plan));
  return closeAlert(alert, SYSTEM_ACTOR, nowMs, `no new evidence for ${quiet}`, 'auto-resolved');
}
