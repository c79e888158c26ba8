import type { Alert, Notification } from '@tocsin/alerting';
import type { CrisisPlan } from '@tocsin/crisis-plan';

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

/** A Slack incoming-webhook message mentioning the people paged. */
export function toSlackPayload(
  notification: Notification,
  alert: Alert,
  plan: CrisisPlan,
  consoleUrl: string,
): { text: string; blocks: unknown[] } {
  const handles = notification.recipients.map(
    (id) => plan.people.find((person) => person.id === id)?.contacts.slack ?? id,
  );
  const level = plan.levels.find((candidate) => candidate.id === alert.level);
  const title = `:rotating_light: ${level?.name ?? alert.level} — ${brandName(plan, alert.brandId)}`;
  const text = `${title}\n${alert.reason}\n${handles.join(' ')} (${notification.reason}, step ${notification.step + 1})`;
  return {
    text,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.replace(':rotating_light: ', '') } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `${alert.reason}\n*${alert.evidence.count}* hit(s), paged: ${handles.join(' ')}`,
        },
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Open in Tocsin' },
            url: `${consoleUrl}?alert=${encodeURIComponent(alert.id)}`,
          },
        ],
      },
    ],
  };
}
