import { planWith } from '../../crisis-plan/src/testing/plan-fixture';
import { applyHit } from './alert-lifecycle';
import { emailMessageSchema } from './email-page';
import { acknowledgeIncident, placeAlert, resolveIncident, setIncidentOwner } from './incident-lifecycle';
import { buildIncidentReport } from './incident-report';
import { composeReportEmails, reportRecipients } from './incident-report-email';
import type { Incident } from './incident.schema';
import { hitWith } from './testing/alert-fixture';

const T0 = Date.parse('2026-01-07T09:00:00+01:00');
const plan = planWith();

/** An incident paged to ana and carl, owned by dora, acknowledged by ana and resolved by carl. */
function resolvedIncident(): Incident {
  const alert = applyHit(undefined, hitWith(), plan, T0, 'a1').alert;
  const placed = placeAlert(undefined, alert, plan, { groupBy: ['brand'] }, T0, 'i1').incident;
  const paged: Incident = { ...placed, pagedUserIds: ['ana', 'carl'], notificationCount: 2 };
  const acked = acknowledgeIncident(paged, [], 'ana', T0 + 60_000);
  if (!acked.ok) throw new Error(acked.error.message);
  const owned = setIncidentOwner(acked.incident, 'dora', 'ana', T0 + 120_000).incident;
  const resolved = resolveIncident(owned, [], 'carl', T0 + 600_000, 'calm again');
  if (!resolved.ok) throw new Error(resolved.error.message);
  return resolved.incident;
}

describe(reportRecipients.name, () => {
  it('takes the people paged, the owner and who acknowledged or resolved it, once each, with an e-mail address', () => {
    expect(reportRecipients(resolvedIncident(), plan)).toEqual([
      { userId: 'carl', email: 'carl@example.com' },
      { userId: 'dora', email: 'dora@example.com' },
    ]);
  });
});

describe(composeReportEmails.name, () => {
  const incident = resolvedIncident();
  const report = buildIncidentReport({ incident, alerts: [], volume: [], replies: undefined, plan, nowMs: T0 });
  const [mail] = composeReportEmails(
    report,
    [{ userId: 'carl', email: 'carl@example.com' }],
    'https://tocsin.example.com/v1/incidents/i1/report?format=html',
  );

  it('mails the Markdown report with the printable page’s link, keyed per incident and person', () => {
    expect(emailMessageSchema.parse(mail)).toMatchObject({
      key: 'i1/report/email-carl',
      alertId: 'i1',
      to: 'carl@example.com',
      subject: '[Tocsin] Crisis report · Alert · Acme',
    });
    expect(mail?.text).toContain('**resolved** by carl: calm again');
    expect(mail?.text.trimEnd().split('\n').at(-1)).toBe(
      'Printable page (chart included): https://tocsin.example.com/v1/incidents/i1/report?format=html',
    );
  });
});
