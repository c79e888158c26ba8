import type { CrisisPlan, IncidentSettings } from '@tocsin/crisis-plan';
import {
  acknowledge as acknowledgeAlert,
  firstDueAtMs,
  resolve as resolveAlert,
  snapshotEscalation,
} from './alert-lifecycle';
import { SYSTEM_ACTOR, type Alert, type AlertEvent } from './alert.schema';
import { runDueSteps, type TargetResolver } from './escalation';
import { levelRank } from './level-rank';
import type { Incident, IncidentAlert, IncidentEntry, IncidentEvent, IncidentNotification } from './incident.schema';

/** What one decision did: the incident, the alerts it changed, and the facts to tell. */
export interface IncidentChange {
  incident: Incident;
  alerts: Alert[];
  events: Array<IncidentEvent | AlertEvent>;
}

export type IncidentCommandResult =
  ({ ok: true } & IncidentChange) | { ok: false; error: { code: 'incident-resolved'; message: string } };

/** The default grouping when the plan has an `incidents` section with no `groupBy`. */
export const DEFAULT_INCIDENT_SETTINGS: IncidentSettings = { groupBy: ['brand'] };

/**
 * The key of the incident an alert belongs in: the values of the plan's `groupBy` labels, brand
 * first. The trigger is the one that opened the alert (a later, higher trigger does not move it).
 */
export function incidentGroupKey(
  alert: Pick<Alert, 'brandId' | 'groupKey' | 'triggerId'> & { evidence: Pick<Alert['evidence'], 'triggerIds'> },
  settings: IncidentSettings,
): string {
  const group = alert.groupKey.slice(alert.brandId.length + 1);
  const trigger = alert.evidence.triggerIds[0] ?? alert.triggerId;
  const values = { brand: alert.brandId, group, trigger };
  return ['brand', ...settings.groupBy.filter((label) => label !== 'brand')]
    .map((label) => values[label as keyof typeof values])
    .join('/');
}

/** True when a new alert of the incident's group joins it rather than opening another incident. */
export function acceptsAlerts(incident: Incident, settings: IncidentSettings, nowMs: number): boolean {
  if (incident.state === 'resolved') return false;
  return settings.groupWindowMs === undefined || nowMs - incident.lastJoinedAtMs <= settings.groupWindowMs;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** What a page or a console says about alerts joined since the last page: "2 more signals joined the incident". */
export function describeJoined(count: number): string {
  return `${count} more ${count === 1 ? 'signal' : 'signals'} joined the incident`;
}

function summaryOf(alert: Alert, joinedAtMs: number): IncidentAlert {
  return {
    alertId: alert.id,
    triggerId: alert.triggerId,
    level: alert.level,
    reason: alert.reason,
    joinedAtMs,
    state: alert.state,
  };
}

/** The alert as a member of the incident: it pages and escalates only through the incident. */
function memberOf(alert: Alert, incidentId: string): Alert {
  return { ...alert, incidentId, nextEscalationAtMs: null };
}

function entry(nowMs: number, action: IncidentEntry['action'], reason: string, extra: Partial<IncidentEntry> = {}) {
  return { atMs: nowMs, actor: SYSTEM_ACTOR, action, reason, ...extra } satisfies IncidentEntry;
}

/** A new level: the incident re-opens if acknowledged and its escalation restarts from that level's policy. */
function raiseLevel(incident: Incident, alert: Alert, plan: CrisisPlan, nowMs: number): Incident {
  const escalation = snapshotEscalation(plan, alert.level, 'upgraded', nowMs);
  const rest: Incident = { ...incident };
  delete rest.acknowledgedAtMs;
  delete rest.acknowledgedBy;
  return {
    ...rest,
    level: alert.level,
    // A higher level needs fresh eyes, even if a lower one had been acknowledged.
    state: 'open',
    planVersion: plan.version,
    escalation,
    escalationStepIndex: 0,
    repeatsDone: 0,
    nextEscalationAtMs: firstDueAtMs(escalation),
    timeline: [
      ...incident.timeline,
      entry(nowMs, 'level-raised', `${incident.level} → ${alert.level}: ${alert.reason}`, {
        alertId: alert.id,
        level: alert.level,
      }),
    ],
  };
}

function openIncident(alert: Alert, groupKey: string, plan: CrisisPlan, nowMs: number, newId: string): IncidentChange {
  const escalation = snapshotEscalation(plan, alert.level, 'opened', nowMs);
  const incident: Incident = {
    id: newId,
    groupKey,
    brandId: alert.brandId,
    level: alert.level,
    state: 'open',
    title: alert.reason,
    planVersion: plan.version,
    openedAtMs: nowMs,
    lastJoinedAtMs: nowMs,
    alerts: [summaryOf(alert, nowMs)],
    joinedSincePage: [],
    escalation,
    escalationStepIndex: 0,
    repeatsDone: 0,
    nextEscalationAtMs: firstDueAtMs(escalation),
    notificationCount: 0,
    pagedUserIds: [],
    timeline: [entry(nowMs, 'opened', alert.reason, { alertId: alert.id, level: alert.level })],
  };
  return { incident, alerts: [memberOf(alert, newId)], events: [{ kind: 'incident.opened', atMs: nowMs, incident }] };
}

/**
 * Places an alert that just opened (and belongs to no incident yet) in the incident of its
 * group: it joins `live` when that incident still accepts alerts, otherwise a new incident
 * `newId` opens with it. A joined alert pages nobody by itself; the incident's next page names
 * it ("N more signals joined the incident"), and an alert of a higher level raises the
 * incident's level, which re-opens it and pages again from that level's policy. Run
 * `dueIncidentEscalation` afterwards to send what is due.
 */
export function placeAlert(
  live: Incident | undefined,
  alert: Alert,
  plan: CrisisPlan,
  settings: IncidentSettings,
  nowMs: number,
  newId: string,
): IncidentChange {
  if (live === undefined || !acceptsAlerts(live, settings, nowMs)) {
    return openIncident(alert, incidentGroupKey(alert, settings), plan, nowMs, newId);
  }
  if (live.alerts.some((member) => member.alertId === alert.id)) return followAlert(live, alert, plan, nowMs);
  const joinedSincePage = [...live.joinedSincePage, alert.id];
  const joined: Incident = {
    ...live,
    lastJoinedAtMs: nowMs,
    alerts: [...live.alerts, summaryOf(alert, nowMs)],
    joinedSincePage,
    timeline: [...live.timeline, entry(nowMs, 'alert-joined', alert.reason, { alertId: alert.id })],
  };
  const member = memberOf(alert, live.id);
  if (levelRank(plan, alert.level) > levelRank(plan, live.level)) {
    const incident = raiseLevel(joined, alert, plan, nowMs);
    return {
      incident,
      alerts: [member],
      events: [{ kind: 'incident.upgraded', atMs: nowMs, incident, fromLevel: live.level }],
    };
  }
  const change = `${describeJoined(joinedSincePage.length)}: ${alert.reason}`;
  return {
    incident: joined,
    alerts: [member],
    events: [{ kind: 'incident.updated', atMs: nowMs, incident: joined, change }],
  };
}

/**
 * Keeps an incident in step with one of its alerts that changed: its summary, the incident's
 * level when the alert rose above it, and the incident's end when its last live alert resolved
 * (by the alert's own auto-resolve or by hand). Evidence gathered by an alert changes the
 * summary only and tells nobody.
 */
export function followAlert(incident: Incident, alert: Alert, plan: CrisisPlan, nowMs: number): IncidentChange {
  const member = memberOf(alert, incident.id);
  if (incident.state === 'resolved') return { incident, alerts: [member], events: [] };
  const previous = incident.alerts.find((summary) => summary.alertId === alert.id);
  const alerts = incident.alerts.map((summary) =>
    summary.alertId === alert.id ? summaryOf(alert, summary.joinedAtMs) : summary,
  );
  let next: Incident = { ...incident, alerts };
  const events: IncidentChange['events'] = [];
  if (alert.state !== 'resolved' && levelRank(plan, alert.level) > levelRank(plan, incident.level)) {
    next = raiseLevel(next, alert, plan, nowMs);
    events.push({ kind: 'incident.upgraded', atMs: nowMs, incident: next, fromLevel: incident.level });
  } else if (alert.state === 'resolved' && previous?.state !== 'resolved') {
    const last = alert.audit.at(-1);
    const actor = last?.actor ?? SYSTEM_ACTOR;
    next = {
      ...next,
      timeline: [
        ...next.timeline,
        { atMs: nowMs, actor, action: 'alert-resolved', reason: last?.reason ?? 'resolved', alertId: alert.id },
      ],
    };
    if (alerts.every((summary) => summary.state === 'resolved')) {
      const reason = `all ${plural(alerts.length, 'alert')} resolved`;
      next = closeIncident(next, actor, nowMs, reason, actor === SYSTEM_ACTOR ? 'auto-resolved' : 'resolved');
      events.push({ kind: 'incident.resolved', atMs: nowMs, incident: next, by: actor, reason });
    } else {
      events.push({ kind: 'incident.updated', atMs: nowMs, incident: next, change: `alert resolved: ${alert.reason}` });
    }
  }
  return { incident: next, alerts: [member], events };
}

function closeIncident(
  incident: Incident,
  actor: string,
  nowMs: number,
  reason: string,
  action: 'resolved' | 'auto-resolved',
): Incident {
  return {
    ...incident,
    state: 'resolved',
    resolvedAtMs: nowMs,
    resolvedBy: actor,
    nextEscalationAtMs: null,
    timeline: [...incident.timeline, { atMs: nowMs, actor, action, reason }],
  };
}

/**
 * Sends every page of the incident due at `nowMs` (the rules of `runDueSteps`), each step in
 * its timeline. The first page after alerts joined names them and starts the count again.
 */
export function dueIncidentEscalation(
  incident: Incident,
  resolveRecipients: TargetResolver,
  nowMs: number,
): { incident: Incident; notifications: IncidentNotification[]; events: IncidentEvent[]; nextDueAtMs: number | null } {
  const { subject, pages } = runDueSteps(incident, resolveRecipients, nowMs, (current, record) => ({
    ...current,
    timeline: [...current.timeline, { ...record, actor: SYSTEM_ACTOR }],
  }));
  const notifications: IncidentNotification[] = [];
  const events: IncidentEvent[] = [];
  let joined = incident.joinedSincePage;
  let current = subject;
  for (const { subject: paged, page } of pages) {
    const notification: IncidentNotification = {
      incidentId: paged.id,
      brandId: paged.brandId,
      level: paged.level,
      step: page.step,
      recipients: page.recipients,
      reason: page.reason,
      joinedAlertIds: joined,
      atMs: nowMs,
    };
    joined = [];
    notifications.push(notification);
    events.push({ kind: 'incident.escalated', atMs: nowMs, incident: { ...paged, joinedSincePage: [] }, notification });
  }
  if (pages.length > 0) current = { ...current, joinedSincePage: [] };
  return {
    incident: current,
    notifications,
    events,
    nextDueAtMs: current.state === 'open' ? current.nextEscalationAtMs : null,
  };
}

function refuseResolved(incident: Incident): IncidentCommandResult {
  return { ok: false, error: { code: 'incident-resolved', message: `incident ${incident.id} is already resolved` } };
}

/**
 * One acknowledgement for the whole incident: its escalation stops and each of its live alerts
 * is acknowledged by the same person. Acknowledging again changes nothing; a resolved incident
 * is refused.
 */
export function acknowledgeIncident(
  incident: Incident,
  alerts: readonly Alert[],
  userId: string,
  nowMs: number,
  note?: string,
): IncidentCommandResult {
  if (incident.state === 'resolved') return refuseResolved(incident);
  if (incident.state === 'acknowledged') return { ok: true, incident, alerts: [], events: [] };
  const changed = alerts.flatMap((alert) => {
    const result = acknowledgeAlert(alert, userId, nowMs, note);
    return result.ok && result.events.length > 0 ? [result] : [];
  });
  const states = new Map(changed.map((result) => [result.alert.id, result.alert.state]));
  const acknowledged: Incident = {
    ...incident,
    state: 'acknowledged',
    acknowledgedAtMs: nowMs,
    acknowledgedBy: userId,
    nextEscalationAtMs: null,
    alerts: incident.alerts.map((summary) => ({ ...summary, state: states.get(summary.alertId) ?? summary.state })),
    timeline: [
      ...incident.timeline,
      { atMs: nowMs, actor: userId, action: 'acknowledged', reason: note ?? 'acknowledged' },
    ],
  };
  return {
    ok: true,
    incident: acknowledged,
    alerts: changed.map((result) => result.alert),
    events: [
      { kind: 'incident.acknowledged', atMs: nowMs, incident: acknowledged, by: userId },
      ...changed.flatMap((result) => result.events),
    ],
  };
}

/** Closes the incident and every live alert in it on behalf of `userId`; again changes nothing. */
export function resolveIncident(
  incident: Incident,
  alerts: readonly Alert[],
  userId: string,
  nowMs: number,
  reason?: string,
): IncidentCommandResult {
  if (incident.state === 'resolved') return { ok: true, incident, alerts: [], events: [] };
  const why = reason ?? 'resolved';
  const changed = alerts.flatMap((alert) => {
    const result = resolveAlert(alert, userId, nowMs, why);
    return result.ok && result.events.length > 0 ? [result] : [];
  });
  const states = new Map(changed.map((result) => [result.alert.id, result.alert.state]));
  const resolved = closeIncident(
    { ...incident, alerts: incident.alerts.map((s) => ({ ...s, state: states.get(s.alertId) ?? s.state })) },
    userId,
    nowMs,
    why,
    'resolved',
  );
  return {
    ok: true,
    incident: resolved,
    alerts: changed.map((result) => result.alert),
    events: [
      { kind: 'incident.resolved', atMs: nowMs, incident: resolved, by: userId, reason: why },
      ...changed.flatMap((result) => result.events),
    ],
  };
}

/** A responder's free-text note in the timeline; notes are welcome after the end too (the post-mortem). */
export function addIncidentNote(incident: Incident, userId: string, text: string, nowMs: number): IncidentChange {
  const noted: Incident = {
    ...incident,
    timeline: [...incident.timeline, { atMs: nowMs, actor: userId, action: 'note', reason: text }],
  };
  return {
    incident: noted,
    alerts: [],
    events: [{ kind: 'incident.updated', atMs: nowMs, incident: noted, change: `note by ${userId}` }],
  };
}

/** Gives the incident to `ownerId` (who leads it), as decided by `userId`; the same owner again changes nothing. */
export function setIncidentOwner(incident: Incident, ownerId: string, userId: string, nowMs: number): IncidentChange {
  if (incident.owner === ownerId) return { incident, alerts: [], events: [] };
  const reason = incident.owner ? `${incident.owner} → ${ownerId}` : `owned by ${ownerId}`;
  const owned: Incident = {
    ...incident,
    owner: ownerId,
    timeline: [...incident.timeline, { atMs: nowMs, actor: userId, action: 'owner-changed', reason }],
  };
  return {
    incident: owned,
    alerts: [],
    events: [{ kind: 'incident.updated', atMs: nowMs, incident: owned, change: `owner: ${ownerId}` }],
  };
}
