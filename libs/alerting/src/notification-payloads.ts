import type { CrisisPlan } from '@tocsin/crisis-plan';
import type { Alert, Notification } from './alert.schema';
import { describeJoined } from './incident-lifecycle';
import type { Incident, IncidentAlert, IncidentNotification } from './incident.schema';

function brandName(plan: CrisisPlan, brandId: string): string {
  return plan.brands.find((brand) => brand.id === brandId)?.name ?? brandId;
}

/** The generic webhook body: the notification, the alert's essentials and where to act. */
export function toJsonPayload(notification: Notification, alert: Alert, plan: CrisisPlan, consoleUrl: string) {
  return {
    type: `alert.${notification.reason}`,
    alertId: alert.id,
    brand: { id: alert.brandId, name: brandName(plan, alert.brandId) },
    level: alert.level,
    state: alert.state,
    reason: alert.reason,
    recipients: notification.recipients,
    step: notification.step,
    openedAt: new Date(alert.openedAtMs).toISOString(),
    evidence: {
      count: alert.evidence.count,
      peakPerMin: alert.evidence.peakPerMin,
      samples: alert.evidence.samples.slice(-3),
    },
    url: `${consoleUrl}?alert=${encodeURIComponent(alert.id)}`,
  };
}

/** What an alert page and an incident page say in Slack, around the same frame. */
interface SlackPage {
  recipients: readonly string[];
  reason: Notification['reason'];
  step: number;
  level: string;
  brandId: string;
  /** What happened: the alert's reason, or the incident's title and the signals that joined it. */
  summary: string;
  /** The count line's lead, e.g. "*3* hit(s)". */
  tally: string;
  url: string;
}

/** A Slack incoming-webhook message mentioning the people paged, with a button to the console. */
function toSlackMessage(page: SlackPage, plan: CrisisPlan): { text: string; blocks: unknown[] } {
  const handles = page.recipients.map((id) => plan.people.find((person) => person.id === id)?.contacts.slack ?? id);
  const level = plan.levels.find((candidate) => candidate.id === page.level);
  const title = `:rotating_light: ${level?.name ?? page.level} — ${brandName(plan, page.brandId)}`;
  return {
    text: `${title}\n${page.summary}\n${handles.join(' ')} (${page.reason}, step ${page.step + 1})`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.replace(':rotating_light: ', '') } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `${page.summary}\n${page.tally}, paged: ${handles.join(' ')}` },
      },
      {
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Tocsin' }, url: page.url }],
      },
    ],
  };
}

/** A Slack incoming-webhook message mentioning the people paged. */
export function toSlackPayload(
  notification: Notification,
  alert: Alert,
  plan: CrisisPlan,
  consoleUrl: string,
): { text: string; blocks: unknown[] } {
  return toSlackMessage(
    {
      ...notification,
      level: alert.level,
      brandId: alert.brandId,
      summary: alert.reason,
      tally: `*${alert.evidence.count}* hit(s)`,
      url: `${consoleUrl}?alert=${encodeURIComponent(alert.id)}`,
    },
    plan,
  );
}

/** The alerts a page names as joined since the previous page, with their reason. */
export function joinedOf(notification: IncidentNotification, incident: Incident): IncidentAlert[] {
  return notification.joinedAlertIds.flatMap(
    (alertId) => incident.alerts.find((member) => member.alertId === alertId) ?? [],
  );
}

/**
 * The generic webhook body of an incident page: one page for the incident, naming the alerts
 * that joined since the previous page ("2 more signals joined the incident") instead of a page each.
 */
export function toIncidentJsonPayload(
  notification: IncidentNotification,
  incident: Incident,
  plan: CrisisPlan,
  consoleUrl: string,
) {
  const joined = joinedOf(notification, incident);
  return {
    type: `incident.${notification.reason}`,
    incidentId: incident.id,
    brand: { id: incident.brandId, name: brandName(plan, incident.brandId) },
    level: incident.level,
    state: incident.state,
    title: incident.title,
    recipients: notification.recipients,
    step: notification.step,
    openedAt: new Date(incident.openedAtMs).toISOString(),
    alertCount: incident.alerts.length,
    joined: {
      count: joined.length,
      text: joined.length > 0 ? describeJoined(joined.length) : '',
      alerts: joined.map(({ alertId, triggerId, level, reason }) => ({ alertId, triggerId, level, reason })),
    },
    url: `${consoleUrl}?incident=${encodeURIComponent(incident.id)}`,
  };
}

/** A Slack incoming-webhook message for an incident page, naming the signals that joined it. */
export function toIncidentSlackPayload(
  notification: IncidentNotification,
  incident: Incident,
  plan: CrisisPlan,
  consoleUrl: string,
): { text: string; blocks: unknown[] } {
  const joined = joinedOf(notification, incident);
  const joinedText =
    joined.length > 0 ? `\n${describeJoined(joined.length)}: ${joined.map((member) => member.reason).join('; ')}` : '';
  return toSlackMessage(
    {
      ...notification,
      level: incident.level,
      brandId: incident.brandId,
      summary: `${incident.title}${joinedText}`,
      tally: `*${incident.alerts.length}* signal(s) in the incident`,
      url: `${consoleUrl}?incident=${encodeURIComponent(incident.id)}`,
    },
    plan,
  );
}
