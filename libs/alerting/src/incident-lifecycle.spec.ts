import { planWith } from '../../crisis-plan/src/testing/plan-fixture';
import { applyHit, autoResolveDue, resolve } from './alert-lifecycle';
import type { Alert } from './alert.schema';
import { planTargetResolver } from './escalation';
import {
  acceptsAlerts,
  acknowledgeIncident,
  addIncidentNote,
  dueIncidentEscalation,
  followAlert,
  incidentGroupKey,
  placeAlert,
  resolveIncident,
  setIncidentOwner,
} from './incident-lifecycle';
import { toIncidentJsonPayload } from './notification-payloads';
import { hitWith } from './testing/alert-fixture';

// Wednesday morning: Ana holds the 08:00–20:00 Paris shift of schedule "care".
const T0 = Date.parse('2026-01-07T09:00:00+01:00');
const MINUTE_MS = 60_000;
const plan = planWith();
const resolver = planTargetResolver(plan);
const byBrand = { groupBy: ['brand' as const] };

function alertOf(id: string, triggerId: string, level: string, atMs = T0, group = triggerId): Alert {
  return applyHit(undefined, hitWith({ triggerId, level, group, atMs }), plan, atMs, id).alert;
}

/** Opens an incident with `first`, then places each of `more` in it, running its escalation after each. */
function incidentOf(first: Alert, ...more: Array<{ alert: Alert; atMs: number }>) {
  let current = dueIncidentEscalation(placeAlert(undefined, first, plan, byBrand, T0, 'i1').incident, resolver, T0);
  const pages = [...current.notifications];
  const events: string[] = [];
  for (const { alert, atMs } of more) {
    const placed = placeAlert(current.incident, alert, plan, byBrand, atMs, 'unused');
    events.push(...placed.events.map((event) => event.kind));
    current = dueIncidentEscalation(placed.incident, resolver, atMs);
    pages.push(...current.notifications);
  }
  return { incident: current.incident, pages, events };
}

describe(incidentGroupKey.name, () => {
  it.each([
    [['brand'], 'acme'],
    [['brand', 'group'], 'acme/buzz'],
    [['brand', 'trigger'], 'acme/share'],
    [['trigger', 'brand'], 'acme/share'],
  ] as const)('groups by %j as "%s"', (groupBy, key) => {
    expect(incidentGroupKey(alertOf('a1', 'share', 'alert', T0, 'buzz'), { groupBy: [...groupBy] })).toBe(key);
  });
});

describe(placeAlert.name, () => {
  it('opens an incident with the first alert and pages its level policy once', () => {
    const { incident, pages } = incidentOf(alertOf('a1', 'words', 'alert'));
    expect({
      level: incident.level,
      alerts: incident.alerts.map((member) => member.alertId),
      pages: pages.map((page) => `${page.reason}: ${page.recipients.join(',')}`),
    }).toEqual({ level: 'alert', alerts: ['a1'], pages: ['opened: ana'] });
  });

  it('takes in an alert of the same level without a page, and names it on the next page', () => {
    const { incident, pages, events } = incidentOf(alertOf('a1', 'words', 'alert'), {
      alert: alertOf('a2', 'share', 'alert', T0 + MINUTE_MS),
      atMs: T0 + MINUTE_MS,
    });
    const next = dueIncidentEscalation(incident, resolver, T0 + 15 * MINUTE_MS);
    expect({
      events,
      pagesAtJoin: pages.length,
      next: next.notifications.map((page) => [page.reason, page.recipients, page.joinedAlertIds]),
      payload: toIncidentJsonPayload(next.notifications[0]!, next.incident, plan, 'http://t/console.html').joined.text,
      after: next.incident.joinedSincePage,
    }).toEqual({
      events: ['incident.updated'],
      pagesAtJoin: 1,
      next: [['escalated', ['carl'], ['a2']]],
      payload: '1 more signal joined the incident',
      after: [],
    });
  });

  it('raises the level for a higher alert, re-opening an acknowledged incident and paging that level at once', () => {
    const first = incidentOf(alertOf('a1', 'words', 'alert'));
    const acked = acknowledgeIncident(first.incident, [], 'ana', T0 + MINUTE_MS);
    if (!acked.ok) throw new Error('acknowledge refused');
    const crisis = alertOf('a2', 'safety', 'crisis', T0 + 2 * MINUTE_MS);
    const placed = placeAlert(acked.incident, crisis, plan, byBrand, T0 + 2 * MINUTE_MS, 'unused');
    const paged = dueIncidentEscalation(placed.incident, resolver, T0 + 2 * MINUTE_MS);
    expect({
      events: placed.events.map((event) => event.kind),
      state: paged.incident.state,
      level: paged.incident.level,
      pages: paged.notifications.map((page) => [page.reason, page.recipients, page.joinedAlertIds]),
    }).toEqual({
      events: ['incident.upgraded'],
      state: 'open',
      level: 'crisis',
      pages: [['upgraded', ['ana', 'carl'], ['a2']]],
    });
  });

  it('turns the joined alerts into members that never escalate on their own', () => {
    const placed = placeAlert(undefined, alertOf('a1', 'words', 'alert'), plan, byBrand, T0, 'i1');
    expect(placed.alerts.map((alert) => [alert.incidentId, alert.nextEscalationAtMs])).toEqual([['i1', null]]);
  });

  it('opens a second incident once the group window has passed since the last alert joined', () => {
    const settings = { groupBy: ['brand' as const], groupWindowMs: 30 * MINUTE_MS };
    const { incident } = incidentOf(alertOf('a1', 'words', 'alert'));
    const later = placeAlert(incident, alertOf('a2', 'share', 'alert'), plan, settings, T0 + 31 * MINUTE_MS, 'i2');
    expect({
      within: acceptsAlerts(incident, settings, T0 + 30 * MINUTE_MS),
      id: later.incident.id,
    }).toEqual({ within: true, id: 'i2' });
  });
});

describe(followAlert.name, () => {
  it('resolves the incident by itself once its last alert auto-resolved', () => {
    const { incident } = incidentOf(alertOf('a1', 'words', 'alert'), {
      alert: alertOf('a2', 'share', 'alert'),
      atMs: T0,
    });
    const quietMs = T0 + 31 * MINUTE_MS;
    const first = followAlert(
      incident,
      autoResolveDue(alertOf('a1', 'words', 'alert'), plan, quietMs).alert,
      plan,
      quietMs,
    );
    const second = followAlert(
      first.incident,
      autoResolveDue(alertOf('a2', 'share', 'alert'), plan, quietMs).alert,
      plan,
      quietMs,
    );
    expect({
      afterFirst: first.incident.state,
      afterSecond: second.incident.state,
      last: second.incident.timeline.at(-1),
    }).toEqual({
      afterFirst: 'open',
      afterSecond: 'resolved',
      last: { atMs: quietMs, actor: 'tocsin', action: 'auto-resolved', reason: 'all 2 alerts resolved' },
    });
  });
});

describe('incident commands', () => {
  const a1 = alertOf('a1', 'words', 'alert');
  const a2 = alertOf('a2', 'share', 'alert');
  const members = [a1, a2].map((alert) => ({ ...alert, incidentId: 'i1', nextEscalationAtMs: null }));
  const { incident } = incidentOf(a1, { alert: a2, atMs: T0 });

  it('acknowledges every alert with the incident, once, and stops the escalation', () => {
    const acked = acknowledgeIncident(incident, members, 'ben', T0 + MINUTE_MS, 'on it');
    if (!acked.ok) throw new Error('acknowledge refused');
    const again = acknowledgeIncident(acked.incident, acked.alerts, 'ben', T0 + 2 * MINUTE_MS);
    expect({
      alerts: acked.alerts.map((alert) => `${alert.id}:${alert.state}:${alert.acknowledgedBy}`),
      next: acked.incident.nextEscalationAtMs,
      pages: dueIncidentEscalation(acked.incident, resolver, T0 + 60 * MINUTE_MS).notifications,
      again: again.ok && again.events,
    }).toEqual({ alerts: ['a1:acknowledged:ben', 'a2:acknowledged:ben'], next: null, pages: [], again: [] });
  });

  it('resolves every alert with the incident and refuses to acknowledge it afterwards', () => {
    const resolved = resolveIncident(incident, members, 'ana', T0 + MINUTE_MS, 'statement posted');
    if (!resolved.ok) throw new Error('resolve refused');
    const late = acknowledgeIncident(resolved.incident, resolved.alerts, 'ben', T0 + 2 * MINUTE_MS);
    expect({
      alerts: resolved.alerts.map((alert) => alert.state),
      summaries: resolved.incident.alerts.map((member) => member.state),
      late: !late.ok && late.error.code,
    }).toEqual({ alerts: ['resolved', 'resolved'], summaries: ['resolved', 'resolved'], late: 'incident-resolved' });
  });

  it('keeps notes and owner changes in the timeline, with who did them', () => {
    const noted = addIncidentNote(incident, 'ana', 'Legal asked for the batch numbers', T0 + MINUTE_MS).incident;
    const owned = setIncidentOwner(noted, 'carl', 'ana', T0 + 2 * MINUTE_MS).incident;
    const same = setIncidentOwner(owned, 'carl', 'ana', T0 + 3 * MINUTE_MS);
    expect({
      tail: owned.timeline.slice(-2).map((entry) => `${entry.actor} ${entry.action}: ${entry.reason}`),
      owner: owned.owner,
      unchanged: same.events,
    }).toEqual({
      tail: ['ana note: Legal asked for the batch numbers', 'ana owner-changed: owned by carl'],
      owner: 'carl',
      unchanged: [],
    });
  });

  it('leaves an alert resolved by hand out of the count, the incident open while others live', () => {
    const closed = resolve(members[0]!, 'ana', T0 + MINUTE_MS, 'answered');
    if (!closed.ok) throw new Error('resolve refused');
    const followed = followAlert(incident, closed.alert, plan, T0 + MINUTE_MS);
    expect({
      state: followed.incident.state,
      last: followed.incident.timeline.at(-1)?.action,
      events: followed.events.map((event) => event.kind),
    }).toEqual({ state: 'open', last: 'alert-resolved', events: ['incident.updated'] });
  });
});
