import {
  acceptsAlerts,
  alertGroupKey,
  applyHit,
  autoResolveAtMs,
  autoResolveDue,
  dueEscalation,
  dueIncidentEscalation,
  findInhibitor,
  followAlert,
  incidentGroupKey,
  placeAlert,
  planTargetResolver,
  type Alert,
  type AlertChange,
  type AuditAction,
  type Incident,
  type IncidentAction,
  type IncidentNotification,
  type Notification,
} from '@tocsin/alerting';
import {
  createTriggerState,
  evaluateMention,
  evaluateSignal,
  type CrisisPlan,
  type TriggerHit,
} from '@tocsin/crisis-plan';
import {
  advanceWatermark,
  createBrandSignalsState,
  DEFAULT_BRAND_WINDOW_SETTINGS,
  observeMention,
  type BrandSignalsState,
  type BrandWindowSettings,
} from '@tocsin/detection';
import { compileBrandMatcher, mentionKey, type Mention } from '@tocsin/domain';
import type { ReplyEntry, ReplyStats } from '@tocsin/reply-queue';
import { enrichMention } from '../../apps/pipeline/src/mention-enrichment';
import { ReplayReplyQueue } from './replay-reply-queue';

/** One line of what would have happened: an alert's audit entry at the event time it was made. */
export interface ReplayEntry {
  atMs: number;
  alertId: string;
  brandId: string;
  action: AuditAction;
  reason: string;
}

/** One line of an incident's timeline at the event time it was made. */
export interface ReplayIncidentEntry {
  atMs: number;
  incidentId: string;
  brandId: string;
  action: IncidentAction;
  actor: string;
  reason: string;
  alertId?: string;
}

/** A page as it went out: an alert paging on its own, or an incident for its alerts. */
export type ReplayPage = Notification | IncidentNotification;

export interface ReplayReport {
  mentions: { read: number; duplicates: number; aboutPlanBrands: number; negative: number; late: number };
  /** Trigger hits by trigger id, including those folded into an existing alert. */
  hitsByTrigger: Record<string, number>;
  /** Every alert as it stands once all timers have run out, in the order they opened. */
  alerts: Alert[];
  /** Every audit entry of every alert, in event-time order. */
  timeline: ReplayEntry[];
  /** Every incident (plans with an `incidents` section), in the order they opened. */
  incidents: Incident[];
  /** Every timeline entry of every incident, in event-time order. */
  incidentTimeline: ReplayIncidentEntry[];
  /** Every page sent, in event-time order. */
  pages: ReplayPage[];
  /**
   * The brands' reply queues: every negative mention that entered, as it ended (answered by a
   * brand reply of the recording, or still waiting, with its overdue hit raised), and their
   * figures at the end of the replay.
   */
  replyQueue: { entries: ReplyEntry[]; stats: ReplyStats };
}

type Due =
  | { atMs: number; kind: 'escalation' | 'auto-resolve'; alert: Alert }
  | { atMs: number; kind: 'incident-escalation'; incident: Incident }
  | { atMs: number; kind: 'reply-deadline' };

/**
 * Replays recorded mentions through the pure logic of the pipeline and the alerter, with event
 * time as the only clock (as fast as the CPU goes): enrichment (sentiment, brand matching),
 * per-brand windows and spike detection, trigger evaluation, the brands' reply queues (brand
 * replies in the recording close complaints; one left past its deadline raises the plan's
 * reply-overdue hits), then alert grouping, incidents, inhibition, escalation against the
 * on-call rota at those dates, and auto-resolve. Timers (escalations, reply deadlines,
 * auto-resolves) fire at their exact due time between mentions, and run out after the last
 * mention (or until `untilMs`). Nobody acknowledges or answers by hand: the report shows the
 * escalation a team would get if no one did. Silences are not replayed.
 */
export interface ReplayOptions {
  /**
   * Mentions and spike intervals before this instant (ms since epoch) feed the windows and
   * detectors but are not checked against triggers, as the pipeline treats a backfill older
   * than LIVE_MAX_AGE_MS: the demo's quiet history warms the detectors without paging.
   */
  liveFromMs?: number;
  /**
   * Timers run up to this instant after the last mention (default: until none is left), to
   * compare with a live system that has run only so long.
   */
  untilMs?: number;
  settings?: BrandWindowSettings;
}

export function replayPlan(plan: CrisisPlan, recorded: readonly Mention[], options: ReplayOptions = {}): ReplayReport {
  const settings = options.settings ?? DEFAULT_BRAND_WINDOW_SETTINGS;
  const liveFromMs = options.liveFromMs ?? Number.NEGATIVE_INFINITY;
  const matchers = plan.brands.map(compileBrandMatcher);
  const resolver = planTargetResolver(plan);
  const seen = new Set<string>();
  const brands = new Map<string, BrandSignalsState>();
  const alerts = new Map<string, Alert>();
  const liveByGroup = new Map<string, string>();
  const incidents = new Map<string, Incident>();
  const pages: ReplayPage[] = [];
  const replies = new ReplayReplyQueue(plan);
  const hitsByTrigger: Record<string, number> = {};
  const mentions = { read: 0, duplicates: 0, aboutPlanBrands: 0, negative: 0, late: 0 };
  let triggers = createTriggerState();
  let maxEventTimeMs = Number.NEGATIVE_INFINITY;

  const store = (next: Alert): void => {
    alerts.set(next.id, next);
    if (next.state === 'resolved') {
      if (liveByGroup.get(next.groupKey) === next.id) liveByGroup.delete(next.groupKey);
    } else liveByGroup.set(next.groupKey, next.id);
  };

  const storeIncident = (next: Incident, notifications: readonly IncidentNotification[] = []): void => {
    incidents.set(next.id, next);
    pages.push(...notifications);
  };

  /** The live system's `AlertActions.inIncident`: the alert joins, opens or keeps its incident in step. */
  const inIncident = (applied: AlertChange, nowMs: number): boolean => {
    const settings = plan.incidents;
    const { alert } = applied;
    const opened = applied.events.some((event) => event.kind === 'alert.opened');
    if (!settings || (alert.incidentId === undefined && !opened)) return false;
    const current = alert.incidentId === undefined ? undefined : incidents.get(alert.incidentId);
    const groupKey = incidentGroupKey(alert, settings);
    const joinable = [...incidents.values()]
      .filter((incident) => incident.groupKey === groupKey && acceptsAlerts(incident, settings, nowMs))
      .sort((a, b) => b.openedAtMs - a.openedAtMs)[0];
    if (alert.incidentId !== undefined && !current) return false;
    const change = current
      ? followAlert(current, alert, plan, nowMs)
      : placeAlert(joinable, alert, plan, settings, nowMs, `i${incidents.size + 1}`);
    const escalated = dueIncidentEscalation(change.incident, resolver, nowMs);
    storeIncident(escalated.incident, escalated.notifications);
    store(change.alerts.find((member) => member.id === alert.id) ?? alert);
    return true;
  };

  const nextDue = (): Due | undefined => {
    const replyDeadlineMs = replies.nextDeadlineMs();
    let earliest: Due | undefined =
      replyDeadlineMs === undefined ? undefined : { atMs: replyDeadlineMs, kind: 'reply-deadline' };
    for (const incident of incidents.values()) {
      const atMs = incident.state === 'open' ? incident.nextEscalationAtMs : null;
      if (atMs !== null && (!earliest || atMs < earliest.atMs))
        earliest = { atMs, kind: 'incident-escalation', incident };
    }
    for (const alert of alerts.values()) {
      const escalationAtMs = alert.state === 'open' ? alert.nextEscalationAtMs : null;
      const resolveAtMs = autoResolveAtMs(alert, plan);
      if (escalationAtMs !== null && (!earliest || escalationAtMs < earliest.atMs)) {
        earliest = { atMs: escalationAtMs, kind: 'escalation', alert };
      }
      if (resolveAtMs !== null && (!earliest || resolveAtMs < earliest.atMs)) {
        earliest = { atMs: resolveAtMs, kind: 'auto-resolve', alert };
      }
    }
    return earliest;
  };

  /** Runs every timer due up to `untilMs` at its own due time, as the alerter's poll would. */
  const runTimers = (untilMs: number): void => {
    for (let due = nextDue(); due && due.atMs <= untilMs; due = nextDue()) {
      if (due.kind === 'reply-deadline') {
        // The alerter publishes overdue hits on alerts.signals; its hits consumer folds them like any other.
        for (const hit of replies.raiseDue(due.atMs)) handleHit(hit, due.atMs);
      } else if (due.kind === 'incident-escalation') {
        const escalated = dueIncidentEscalation(due.incident, resolver, due.atMs);
        storeIncident(escalated.incident, escalated.notifications);
      } else if (due.kind === 'escalation') {
        const escalated = dueEscalation(due.alert, resolver, due.atMs);
        pages.push(...escalated.notifications);
        store(escalated.alert);
      } else {
        const change = autoResolveDue(due.alert, plan, due.atMs);
        if (!(change.events.length > 0 && inIncident(change, due.atMs))) store(change.alert);
      }
    }
  };

  const handleHit = (hit: TriggerHit, nowMs: number): void => {
    hitsByTrigger[hit.triggerId] = (hitsByTrigger[hit.triggerId] ?? 0) + 1;
    const groupKey = alertGroupKey(hit);
    const liveId = liveByGroup.get(groupKey);
    const live = liveId === undefined ? undefined : alerts.get(liveId);
    if (!live) {
      const brandAlerts = [...liveByGroup.values()].flatMap((id) => alerts.get(id) ?? []);
      const inhibitor = findInhibitor(brandAlerts, hit, plan);
      if (inhibitor) {
        store(applyHit(inhibitor, hit, plan, nowMs, inhibitor.id).alert);
        return;
      }
    }
    const applied = applyHit(live, hit, plan, nowMs, `a${alerts.size + 1}`);
    if (inIncident(applied, nowMs)) return;
    const escalated = dueEscalation(applied.alert, resolver, nowMs);
    pages.push(...escalated.notifications);
    store(escalated.alert);
  };

  for (const mention of recorded) {
    mentions.read += 1;
    const key = mentionKey(mention);
    if (seen.has(key)) {
      mentions.duplicates += 1;
      continue;
    }
    seen.add(key);
    const eventTimeMs = Date.parse(mention.createdAt);
    runTimers(eventTimeMs);
    const { mention: enriched } = enrichMention(mention, matchers, mention.createdAt);
    if (enriched.brandIds.length > 0) mentions.aboutPlanBrands += 1;
    if (enriched.brandIds.length > 0 && enriched.sentiment.label === 'negative') mentions.negative += 1;
    maxEventTimeMs = Math.max(maxEventTimeMs, eventTimeMs);
    const hits: TriggerHit[] = [];
    for (const brandId of enriched.brandIds) {
      const observed = observeMention(
        brands.get(brandId) ?? createBrandSignalsState(brandId, settings),
        {
          brandId,
          eventTimeMs,
          negative: enriched.sentiment.label === 'negative',
          followers: enriched.author.followers ?? 0,
        },
        settings,
      );
      brands.set(brandId, observed.state);
      if (observed.late) mentions.late += 1;
      replies.take(brandId, enriched, eventTimeMs, eventTimeMs >= liveFromMs);
      if (eventTimeMs < liveFromMs) continue;
      const evaluation = evaluateMention(plan, triggers, { ...enriched, brandIds: [brandId] }, eventTimeMs);
      triggers = evaluation.state;
      hits.push(...evaluation.hits);
    }
    // Every brand's intervals close on the newest event time, as the pipeline's shared watermark does.
    for (const [brandId, state] of brands) {
      const advanced = advanceWatermark(state, maxEventTimeMs, settings);
      brands.set(brandId, advanced.state);
      for (const signal of advanced.signals) {
        const intervalEndMs = Date.parse(signal.intervalEnd);
        if (intervalEndMs < liveFromMs) continue;
        const evaluation = evaluateSignal(plan, triggers, signal, intervalEndMs);
        triggers = evaluation.state;
        hits.push(...evaluation.hits);
      }
    }
    for (const hit of hits) handleHit(hit, eventTimeMs);
  }
  const endMs = options.untilMs ?? Number.POSITIVE_INFINITY;
  runTimers(endMs);

  const ordered = [...alerts.values()].sort((a, b) => a.openedAtMs - b.openedAtMs);
  const timeline = ordered
    .flatMap((alert) =>
      alert.audit.map((entry) => ({
        atMs: entry.atMs,
        alertId: alert.id,
        brandId: alert.brandId,
        action: entry.action,
        reason: entry.reason,
      })),
    )
    .sort((a, b) => a.atMs - b.atMs);
  const orderedIncidents = [...incidents.values()].sort((a, b) => a.openedAtMs - b.openedAtMs);
  const incidentTimeline = orderedIncidents
    .flatMap((incident) =>
      incident.timeline.map((entry) => ({
        atMs: entry.atMs,
        incidentId: incident.id,
        brandId: incident.brandId,
        action: entry.action,
        actor: entry.actor,
        reason: entry.reason,
        ...(entry.alertId === undefined ? {} : { alertId: entry.alertId }),
      })),
    )
    .sort((a, b) => a.atMs - b.atMs);
  return {
    mentions,
    hitsByTrigger,
    alerts: ordered,
    timeline,
    incidents: orderedIncidents,
    incidentTimeline,
    pages: pages.sort((a, b) => a.atMs - b.atMs),
    replyQueue: { entries: replies.all(), stats: replies.stats(Math.min(endMs, Number.MAX_SAFE_INTEGER)) },
  };
}
