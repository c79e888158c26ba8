import type { CrisisPlan } from '@tocsin/crisis-plan';
import type { EmailMessage } from './email-page';
import { renderReportMarkdown, type IncidentReport } from './incident-report';
import type { Incident } from './incident.schema';

/**
 * Who gets the crisis report by e-mail once the incident is resolved: everyone it paged, its
 * owner and whoever acknowledged or resolved it, in that order, once each — those of them the
 * plan gives an e-mail address.
 */
export function reportRecipients(incident: Incident, plan: CrisisPlan): Array<{ userId: string; email: string }> {
  const userIds = new Set(
    [...incident.pagedUserIds, incident.owner, incident.acknowledgedBy, incident.resolvedBy].flatMap((id) =>
      id === undefined ? [] : [id],
    ),
  );
  return [...userIds].flatMap((userId) => {
    const email = plan.people.find((person) => person.id === userId)?.contacts.email;
    return email === undefined ? [] : [{ userId, email }];
  });
}

/**
 * The crisis report as e-mails for the outbox, one per recipient: the Markdown report (plain
 * text reads well in any mailbox) and the link to its printable page. Keyed per incident and
 * person, so a report queued twice is sent once while it waits.
 */
export function composeReportEmails(
  report: IncidentReport,
  recipients: ReadonlyArray<{ userId: string; email: string }>,
  printableUrl: string,
): EmailMessage[] {
  const { incident } = report;
  const subject = `[Tocsin] Crisis report · ${incident.levelName} · ${incident.brand.name}`;
  const text = `${renderReportMarkdown(report)}\nPrintable page (chart included): ${printableUrl}\n`;
  return recipients.map(({ userId, email }) => ({
    channel: 'email',
    key: `${incident.id}/report/email-${userId}`,
    alertId: incident.id,
    to: email,
    subject,
    text,
    attempts: 0,
  }));
}
