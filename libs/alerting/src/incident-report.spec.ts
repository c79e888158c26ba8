import { planWith } from '../../crisis-plan/src/testing/plan-fixture';
import { applyHit } from './alert-lifecycle';
import { planTargetResolver } from './escalation';
import {
  acknowledgeIncident,
  addIncidentNote,
  dueIncidentEscalation,
  placeAlert,
  resolveIncident,
} from './incident-lifecycle';
import {
  buildIncidentReport,
  describeStep,
  formatElapsed,
  MAX_VOLUME_POINTS,
  renderReportHtml,
  renderReportMarkdown,
  volumeStepMs,
  type VolumeCount,
} from './incident-report';
import { hitWith } from './testing/alert-fixture';

const T0 = Date.parse('2026-01-07T09:00:00+01:00');
const MINUTE_MS = 60_000;
const plan = planWith();

function count(minute: number, mentions: number, negative: number): VolumeCount {
  return { intervalStartMs: T0 + minute * MINUTE_MS, mentions, negative };
}

/** An incident of two alerts: opened, joined, acknowledged by ana, noted, resolved by ben 40 minutes in. */
function resolvedIncident() {
  const words = applyHit(
    undefined,
    hitWith({
      triggerId: 'words',
      group: 'words',
      evidence: { mentionKey: 'twitter:1', author: '@small', followers: 80, text: 'acme scam' },
    }),
    plan,
    T0,
    'a1',
  ).alert;
  const influencer = applyHit(
    undefined,
    hitWith({
      triggerId: 'star',
      group: 'star',
      evidence: { mentionKey: 'twitter:2', author: '@star', followers: 250_000, text: 'acme | never again' },
    }),
    plan,
    T0 + MINUTE_MS,
    'a2',
  ).alert;
  let incident = dueIncidentEscalation(
    placeAlert(undefined, words, plan, { groupBy: ['brand'] }, T0, 'i1').incident,
    planTargetResolver(plan),
    T0,
  ).incident;
  incident = placeAlert(incident, influencer, plan, { groupBy: ['brand'] }, T0 + MINUTE_MS, 'unused').incident;
  const acked = acknowledgeIncident(incident, [], 'ana', T0 + 4 * MINUTE_MS);
  if (!acked.ok) throw new Error('acknowledge refused');
  incident = addIncidentNote(acked.incident, 'ana', 'Holding statement posted', T0 + 10 * MINUTE_MS).incident;
  const resolved = resolveIncident(incident, [words, influencer], 'ben', T0 + 40 * MINUTE_MS, 'calm again');
  if (!resolved.ok) throw new Error('resolve refused');
  return { incident: resolved.incident, alerts: resolved.alerts };
}

const volume = [
  count(-45, 9, 0), // before the 30-minute lead-in: left out
  count(-1, 4, 1),
  count(0, 20, 15),
  count(60, 5, 0), // after the end: left out
];

describe(buildIncidentReport.name, () => {
  const { incident, alerts } = resolvedIncident();
  const report = buildIncidentReport({
    incident,
    alerts,
    volume,
    replies: undefined,
    plan,
    nowMs: T0 + 24 * 60 * MINUTE_MS,
  });

  it('measures the incident from its own timeline: time to acknowledge, duration, pages', () => {
    expect(report.incident).toMatchObject({
      state: 'resolved',
      timeToAcknowledgeMs: 4 * MINUTE_MS,
      durationMs: 40 * MINUTE_MS,
      resolvedBy: 'ben',
      pages: 1,
      paged: ['ana'],
    });
  });

  it('charts volume and negative share per minute over the incident and its lead-in only', () => {
    expect(report.volume.points.map((p) => [p.mentions, p.negative, p.negativeSharePct])).toEqual([
      [4, 1, 25],
      [20, 15, 75],
    ]);
    expect(report.volume.totals).toEqual({ mentions: 24, negative: 16, negativeSharePct: 66.7, peakPerMin: 20 });
    expect(report.volume.stepMs).toBe(MINUTE_MS);
  });

  it('charts a three-day incident from its lead-in to its end in half-hours, totals and peak unchanged', () => {
    const days = 3 * 24 * 60;
    const long = { ...incident, resolvedAtMs: T0 + days * MINUTE_MS };
    // One mention a minute from the lead-in on, a burst of 50 (40 negative) in the first minute of day 2.
    const counts = Array.from({ length: days + 31 }, (_, i) =>
      i - 30 === 24 * 60 ? count(i - 30, 50, 40) : count(i - 30, 1, 0),
    );
    const charted = buildIncidentReport({
      incident: long,
      alerts,
      volume: counts,
      replies: undefined,
      plan,
      nowMs: T0,
    });
    expect({
      stepMs: charted.volume.stepMs,
      points: charted.volume.points.length,
      first: charted.volume.points[0]?.intervalStartMs,
      last: charted.volume.points.at(-1)?.intervalStartMs,
      totals: charted.volume.totals,
    }).toEqual({
      stepMs: 30 * MINUTE_MS,
      points: days / 30 + 2,
      first: T0 - 30 * MINUTE_MS,
      last: T0 + days * MINUTE_MS,
      totals: { mentions: days + 31 + 49, negative: 40, negativeSharePct: 0.9, peakPerMin: 50 },
    });
    expect(charted.volume.points.length).toBeLessThanOrEqual(MAX_VOLUME_POINTS);
    expect(renderReportMarkdown(charted)).toContain('| 30 minutes from | mentions | negative | negative share |');
    expect(renderReportHtml(charted)).toContain('Bars: mentions per 30 minutes');
  });

  it('ranks the mentions by their author reach', () => {
    expect(report.topMentions.items.map((m) => [m.author, m.followers])).toEqual([
      ['@star', 250_000],
      ['@small', 80],
    ]);
  });

  it('says who did what, the system included', () => {
    expect(report.people.map((p) => [p.actor, p.actions])).toEqual([
      ['tocsin', { opened: 1, notified: 1, 'alert-joined': 1 }],
      ['ana', { acknowledged: 1, note: 1 }],
      ['ben', { resolved: 1 }],
    ]);
  });

  it('reads "no reply data" until the reply queue fills the reply times', () => {
    const filled = buildIncidentReport({
      incident,
      alerts,
      volume,
      replies: { due: 10, answered: 8, medianFirstReplyMs: 12 * MINUTE_MS, withinDeadlinePct: 70 },
      plan,
      nowMs: T0,
    });
    expect(
      [renderReportMarkdown(report), renderReportMarkdown(filled)].map(
        (md) => md.split('## Reply times\n\n')[1]?.split('\n')[0],
      ),
    ).toEqual(['No reply data.', '8 of 10 answered, first reply after 12m 00s (median), 70 % within the deadline.']);
  });

  it('gives the printable page the same reply times as the Markdown, the 90th percentile included', () => {
    const replies = { due: 4, answered: 3, medianFirstReplyMs: 5 * MINUTE_MS, p90FirstReplyMs: 40 * MINUTE_MS };
    const filled = buildIncidentReport({ incident, alerts, volume, replies, plan, nowMs: T0 });
    const line = '3 of 4 answered, first reply after 5m 00s (median; 90 % within 40m 00s).';
    expect({
      markdown: renderReportMarkdown(filled).split('## Reply times\n\n')[1]?.split('\n')[0],
      html: renderReportHtml(filled).includes(`<p class="replies">${line}</p>`),
    }).toEqual({ markdown: line, html: true });
  });
});

describe(renderReportMarkdown.name, () => {
  const { incident, alerts } = resolvedIncident();
  const markdown = renderReportMarkdown(
    buildIncidentReport({ incident, alerts, volume, replies: undefined, plan, nowMs: T0 }),
  );

  it('lists every timeline entry in the plan time zone, with its actor', () => {
    const timeline = markdown.split('## Timeline\n\n')[1]?.split('\n\n')[0]?.split('\n');
    expect(timeline).toEqual([
      expect.stringMatching(/^- 2026-01-07 09:00:00 — \*\*opened\*\* by tocsin: /),
      '- 2026-01-07 09:00:00 — **notified** by tocsin: opened (step 1): ana',
      expect.stringMatching(/^- 2026-01-07 09:01:00 — \*\*alert-joined\*\* by tocsin: /),
      '- 2026-01-07 09:04:00 — **acknowledged** by ana: acknowledged',
      '- 2026-01-07 09:10:00 — **note** by ana: Holding statement posted',
      '- 2026-01-07 09:40:00 — **resolved** by ben: calm again',
    ]);
  });

  it('keeps a pipe in a mention from breaking its line', () => {
    expect(markdown).toContain('acme \\| never again');
  });
});

describe(renderReportHtml.name, () => {
  it('escapes what people and mentions wrote', () => {
    const { incident, alerts } = resolvedIncident();
    const noted = addIncidentNote(incident, 'ana', '<script>alert(1)</script>', T0 + 50 * MINUTE_MS).incident;
    const html = renderReportHtml(
      buildIncidentReport({ incident: noted, alerts, volume, replies: undefined, plan, nowMs: T0 }),
    );
    expect({ raw: html.includes('<script>alert'), escaped: html.includes('&#60;script&#62;') }).toEqual({
      raw: false,
      escaped: true,
    });
  });
});

describe(volumeStepMs.name, () => {
  it.each([
    [2 * 60, 'minute'],
    [4 * 60, '5 minutes'],
    [24 * 60, '15 minutes'],
    [14 * 24 * 60, '3 hours'],
    [400 * 24 * 60, 'day'],
  ])('charts %d minutes per %s', (minutes, step) => {
    expect(describeStep(volumeStepMs(T0, T0 + minutes * MINUTE_MS))).toBe(step);
  });
});

describe(formatElapsed.name, () => {
  it.each([
    [45_000, '45s'],
    [200_000, '3m 20s'],
    [3_900_000, '1h 05m'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
  });
});
