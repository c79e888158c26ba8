import type { CrisisPlan } from '@tocsin/crisis-plan';
import { DateTime } from 'luxon';
import type { Alert } from './alert.schema';
import type { Incident, IncidentEntry } from './incident.schema';

/**
 * Reply times over an incident's mentions, as the reply queue measures them. The report only
 * shows them; where they come from is the `IncidentReplyStatsSource` the gateway is given.
 */
export interface IncidentReplyStats {
  /** Negative mentions of the incident that deserved an answer. */
  due: number;
  answered: number;
  /** Time from a mention to the brand's first reply, over the answered ones. */
  medianFirstReplyMs?: number;
  p90FirstReplyMs?: number;
  /** Share answered within the playbook's `responseDeadlineMs`, 0–100. */
  withinDeadlinePct?: number;
}

/** The hook the reply queue fills: reply times for an incident, or undefined while it has none. */
export interface IncidentReplyStatsSource {
  statsFor(incident: Incident): Promise<IncidentReplyStats | undefined>;
}

export const VOLUME_SOURCE =
  "the brand's mentions and negative mentions per pipeline interval (1 minute by default) on alerts.signals, as the gateway keeps them for 14 days";
export const TOP_MENTIONS_SOURCE =
  'the mentions that tripped a trigger, as kept on the alerts of the incident (their last 10 each)';

const TOP_MENTIONS = 10;
/** The chart starts this long before the incident opened, to show what it grew from. */
export const REPORT_LEAD_IN_MS = 30 * 60_000;
/** Most points charted and tabled: a longer incident is shown in coarser steps. */
export const MAX_VOLUME_POINTS = 240;
/** The steps a report may chart in, finest first: each divides a day, so buckets align on UTC. */
const VOLUME_STEPS_MS = [1, 5, 15, 30, 60, 180, 360, 720, 1440].map((minutes) => minutes * 60_000);

/** A brand's mentions and negative mentions in one interval of the pipeline. */
export interface VolumeCount {
  intervalStartMs: number;
  mentions: number;
  negative: number;
}

export interface VolumePoint {
  intervalStartMs: number;
  mentions: number;
  negative: number;
  /** null when no mention was counted in the interval. */
  negativeSharePct: number | null;
}

export interface IncidentReport {
  generatedAtMs: number;
  timezone: string;
  incident: {
    id: string;
    brand: { id: string; name: string };
    level: string;
    levelName: string;
    state: Incident['state'];
    title: string;
    owner?: string;
    openedAtMs: number;
    acknowledgedAtMs?: number;
    acknowledgedBy?: string;
    resolvedAtMs?: number;
    resolvedBy?: string;
    /** Until resolved, or until the report was made. */
    durationMs: number;
    timeToAcknowledgeMs?: number;
    pages: number;
    paged: string[];
  };
  alerts: Array<{
    id: string;
    triggerId: string;
    level: string;
    reason: string;
    hits: number;
    peakPerMin: number;
    state: Alert['state'];
  }>;
  timeline: IncidentEntry[];
  volume: {
    source: string;
    /** Length of each point: 1 minute, or coarser so a long incident stays within MAX_VOLUME_POINTS. */
    stepMs: number;
    points: VolumePoint[];
    totals: { mentions: number; negative: number; negativeSharePct: number | null; peakPerMin: number };
  };
  topMentions: {
    source: string;
    items: Array<{
      mentionKey: string;
      author?: string;
      followers: number;
      platform?: string;
      text?: string;
      atMs: number;
      triggerId: string;
    }>;
  };
  /** Filled by the reply queue; `null` (nothing queued while it was open) reads "no reply data". */
  replies: IncidentReplyStats | null;
  /** Every person who acted, with what they did; `tocsin` for what it did by itself. */
  people: Array<{ actor: string; name: string; actions: Record<string, number> }>;
}

export interface IncidentReportInput {
  incident: Incident;
  alerts: readonly Alert[];
  /** The brand's counts per interval, any order; those outside the incident's span are left out. */
  volume: readonly VolumeCount[];
  replies: IncidentReplyStats | undefined;
  plan: CrisisPlan;
  nowMs: number;
}

function sharePct(negative: number, mentions: number): number | null {
  return mentions > 0 ? Math.round((negative / mentions) * 1000) / 10 : null;
}

/** The finest step that charts [fromMs, untilMs] in MAX_VOLUME_POINTS points or fewer. */
export function volumeStepMs(fromMs: number, untilMs: number): number {
  const spanMs = Math.max(0, untilMs - fromMs);
  return VOLUME_STEPS_MS.find((stepMs) => spanMs / stepMs < MAX_VOLUME_POINTS) ?? VOLUME_STEPS_MS.at(-1) ?? 60_000;
}

function volumeOf(incident: Incident, counts: readonly VolumeCount[], untilMs: number): IncidentReport['volume'] {
  const fromMs = incident.openedAtMs - REPORT_LEAD_IN_MS;
  const stepMs = volumeStepMs(fromMs, untilMs);
  const inSpan = counts.filter((count) => count.intervalStartMs >= fromMs && count.intervalStartMs <= untilMs);
  const byStep = new Map<number, VolumePoint>();
  for (const count of inSpan) {
    const startMs = Math.floor(count.intervalStartMs / stepMs) * stepMs;
    const point = byStep.get(startMs) ?? { intervalStartMs: startMs, mentions: 0, negative: 0, negativeSharePct: null };
    point.mentions += count.mentions;
    point.negative += count.negative;
    byStep.set(startMs, point);
  }
  const points = [...byStep.values()]
    .map((point) => ({ ...point, negativeSharePct: sharePct(point.negative, point.mentions) }))
    .sort((a, b) => a.intervalStartMs - b.intervalStartMs);
  const mentions = points.reduce((sum, point) => sum + point.mentions, 0);
  const negative = points.reduce((sum, point) => sum + point.negative, 0);
  return {
    source: VOLUME_SOURCE,
    stepMs,
    points,
    totals: {
      mentions,
      negative,
      negativeSharePct: sharePct(negative, mentions),
      // The busiest pipeline interval, whatever the step the chart is drawn in.
      peakPerMin: inSpan.reduce((peak, count) => Math.max(peak, count.mentions), 0),
    },
  };
}

function topMentionsOf(alerts: readonly Alert[]): IncidentReport['topMentions']['items'] {
  const byKey = new Map<string, IncidentReport['topMentions']['items'][number]>();
  for (const alert of alerts) {
    for (const sample of alert.evidence.samples) {
      const { mentionKey } = sample.evidence;
      if (mentionKey === undefined || byKey.has(mentionKey)) continue;
      byKey.set(mentionKey, {
        mentionKey,
        ...(sample.evidence.author === undefined ? {} : { author: sample.evidence.author }),
        followers: sample.evidence.followers ?? 0,
        ...(sample.evidence.platform === undefined ? {} : { platform: sample.evidence.platform }),
        ...(sample.evidence.text === undefined ? {} : { text: sample.evidence.text }),
        atMs: sample.atMs,
        triggerId: sample.triggerId,
      });
    }
  }
  return [...byKey.values()].sort((a, b) => b.followers - a.followers || a.atMs - b.atMs).slice(0, TOP_MENTIONS);
}

function peopleOf(incident: Incident, plan: CrisisPlan): IncidentReport['people'] {
  const byActor = new Map<string, Record<string, number>>();
  for (const entry of incident.timeline) {
    const actions = byActor.get(entry.actor) ?? {};
    actions[entry.action] = (actions[entry.action] ?? 0) + 1;
    byActor.set(entry.actor, actions);
  }
  return [...byActor].map(([actor, actions]) => ({
    actor,
    name: plan.people.find((person) => person.id === actor)?.name ?? actor,
    actions,
  }));
}

/**
 * The crisis report of an incident, open or resolved, for the director the next morning: what
 * happened when, how loud and how negative the brand's conversation was, the mentions that
 * reached furthest, reply times, and who did what. Pure: every source is passed in.
 */
export function buildIncidentReport(input: IncidentReportInput): IncidentReport {
  const { incident, alerts, plan, nowMs } = input;
  const untilMs = incident.resolvedAtMs ?? nowMs;
  const optional = <K extends keyof Incident>(key: K) =>
    incident[key] === undefined ? {} : ({ [key]: incident[key] } as Pick<Incident, K>);
  return {
    generatedAtMs: nowMs,
    timezone: plan.timezone,
    incident: {
      id: incident.id,
      brand: {
        id: incident.brandId,
        name: plan.brands.find((b) => b.id === incident.brandId)?.name ?? incident.brandId,
      },
      level: incident.level,
      levelName: plan.levels.find((level) => level.id === incident.level)?.name ?? incident.level,
      state: incident.state,
      title: incident.title,
      ...optional('owner'),
      openedAtMs: incident.openedAtMs,
      ...optional('acknowledgedAtMs'),
      ...optional('acknowledgedBy'),
      ...optional('resolvedAtMs'),
      ...optional('resolvedBy'),
      durationMs: untilMs - incident.openedAtMs,
      ...(incident.acknowledgedAtMs === undefined
        ? {}
        : { timeToAcknowledgeMs: incident.acknowledgedAtMs - incident.openedAtMs }),
      pages: incident.notificationCount,
      paged: incident.pagedUserIds,
    },
    alerts: incident.alerts.map((member) => {
      const alert = alerts.find((candidate) => candidate.id === member.alertId);
      return {
        id: member.alertId,
        triggerId: member.triggerId,
        level: member.level,
        reason: member.reason,
        hits: alert?.evidence.count ?? 0,
        peakPerMin: alert?.evidence.peakPerMin ?? 0,
        state: alert?.state ?? member.state,
      };
    }),
    timeline: incident.timeline,
    volume: volumeOf(incident, input.volume, untilMs),
    topMentions: { source: TOP_MENTIONS_SOURCE, items: topMentionsOf(alerts) },
    replies: input.replies ?? null,
    people: peopleOf(incident, plan),
  };
}

/** "minute", "5 minutes", "hour", "3 hours", "day": a chart step as a reader says it. */
export function describeStep(stepMs: number): string {
  const minutes = Math.round(stepMs / 60_000);
  if (minutes === 1440) return 'day';
  if (minutes % 60 === 0) return minutes === 60 ? 'hour' : `${minutes / 60} hours`;
  return minutes === 1 ? 'minute' : `${minutes} minutes`;
}

/** "1h 05m", "3m 20s", "45s": durations as a reader says them. */
export function formatElapsed(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
  return `${seconds}s`;
}

function clock(report: IncidentReport, ms: number): string {
  return DateTime.fromMillis(ms, { zone: report.timezone }).toFormat('yyyy-MM-dd HH:mm:ss');
}

/** Table cells and inline text: pipes and line breaks would break a Markdown table. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function describeActions(actions: Record<string, number>): string {
  return Object.entries(actions)
    .map(([action, count]) => (count > 1 ? `${action} ×${count}` : action))
    .join(', ');
}

/** "8 of 10 answered, first reply after 12m 00s (median), 70 % within the deadline.": one line for both renderings. */
function describeReplies(replies: IncidentReplyStats | null): string {
  if (replies === null) return 'No reply data.';
  return (
    `${replies.answered} of ${replies.due} answered` +
    (replies.medianFirstReplyMs === undefined
      ? ''
      : `, first reply after ${formatElapsed(replies.medianFirstReplyMs)} (median` +
        (replies.p90FirstReplyMs === undefined ? ')' : `; 90 % within ${formatElapsed(replies.p90FirstReplyMs)})`)) +
    (replies.withinDeadlinePct === undefined ? '' : `, ${replies.withinDeadlinePct} % within the deadline`) +
    '.'
  );
}

/** The report as Markdown, to paste into an e-mail or a wiki. */
export function renderReportMarkdown(report: IncidentReport): string {
  const { incident } = report;
  const at = (ms: number) => clock(report, ms);
  const share = report.volume.totals.negativeSharePct;
  const lines = [
    `# Crisis report — ${incident.brand.name}: ${incident.levelName}`,
    '',
    `**${cell(incident.title)}**`,
    '',
    `- Incident \`${incident.id}\`, ${incident.state}; times in ${report.timezone}`,
    `- Opened ${at(incident.openedAtMs)}` +
      (incident.acknowledgedAtMs === undefined
        ? ', never acknowledged'
        : `, acknowledged ${at(incident.acknowledgedAtMs)} by ${incident.acknowledgedBy ?? '?'} (after ${formatElapsed(incident.timeToAcknowledgeMs ?? 0)})`) +
      (incident.resolvedAtMs === undefined
        ? ', still open'
        : `, resolved ${at(incident.resolvedAtMs)} by ${incident.resolvedBy ?? '?'}`) +
      ` — ${formatElapsed(incident.durationMs)}`,
    `- Owner: ${incident.owner ?? 'nobody'}; ${incident.pages} page(s) to ${incident.paged.join(', ') || 'nobody'}`,
    '',
    `## Signals (${report.alerts.length})`,
    '',
    '| alert | trigger | level | hits | peak/min | state | reason |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...report.alerts.map(
      (a) => `| ${a.id} | ${a.triggerId} | ${a.level} | ${a.hits} | ${a.peakPerMin} | ${a.state} | ${cell(a.reason)} |`,
    ),
    '',
    '## Timeline',
    '',
    ...report.timeline.map((e) => `- ${at(e.atMs)} — **${e.action}** by ${e.actor}: ${cell(e.reason)}`),
    '',
    '## Volume and negative share',
    '',
    `${report.volume.totals.mentions} mention(s), ${report.volume.totals.negative} negative` +
      (share === null ? '' : ` (${share} %)`) +
      `, peak ${report.volume.totals.peakPerMin}/min. Source: ${report.volume.source}.`,
    '',
    ...(report.volume.points.length === 0
      ? ['No interval of the brand in that span.']
      : [
          `| ${describeStep(report.volume.stepMs)} from | mentions | negative | negative share |`,
          '| --- | --- | --- | --- |',
          ...report.volume.points.map(
            (p) =>
              `| ${at(p.intervalStartMs)} | ${p.mentions} | ${p.negative} | ${p.negativeSharePct === null ? '—' : `${p.negativeSharePct} %`} |`,
          ),
        ]),
    '',
    '## Top mentions by reach',
    '',
    `Source: ${report.topMentions.source}.`,
    '',
    ...(report.topMentions.items.length === 0
      ? ['No mention kept on the alerts (signal triggers only).']
      : report.topMentions.items.map(
          (m) =>
            `- ${m.followers.toLocaleString('en-US')} followers — ${m.author ?? 'unknown author'} on ${m.platform ?? 'unknown platform'} (${m.triggerId}): ${cell(m.text ?? m.mentionKey)}`,
        )),
    '',
    '## Reply times',
    '',
    describeReplies(report.replies),
    '',
    '## Who did what',
    '',
    ...report.people.map((p) => `- ${p.name} (${p.actor}): ${describeActions(p.actions)}`),
    '',
    `_Generated ${at(report.generatedAtMs)} by Tocsin._`,
    '',
  ];
  return lines.join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Mentions per step as bars and the negative share as a line, in an inline SVG that prints. */
function volumeChart(report: IncidentReport): string {
  const points = report.volume.points;
  if (points.length === 0) return '<p>No interval of the brand in that span.</p>';
  const step = describeStep(report.volume.stepMs);
  const width = 720;
  const height = 200;
  const barWidth = width / points.length;
  const peak = Math.max(1, ...points.map((p) => p.mentions));
  const bars = points
    .map((p, i) => {
      const h = (p.mentions / peak) * (height - 20);
      const negH = (p.negative / peak) * (height - 20);
      const x = (i * barWidth).toFixed(1);
      const w = Math.max(1, barWidth - 1).toFixed(1);
      return (
        `<rect x="${x}" y="${(height - h).toFixed(1)}" width="${w}" height="${h.toFixed(1)}" fill="#c7d2fe"/>` +
        `<rect x="${x}" y="${(height - negH).toFixed(1)}" width="${w}" height="${negH.toFixed(1)}" fill="#f87171"/>`
      );
    })
    .join('');
  const line = points
    .flatMap((p, i) =>
      p.negativeSharePct === null
        ? []
        : [`${(i * barWidth + barWidth / 2).toFixed(1)},${(height - (p.negativeSharePct / 100) * height).toFixed(1)}`],
    )
    .join(' ');
  const opened = points.findIndex((p) => p.intervalStartMs >= report.incident.openedAtMs);
  const marker =
    opened < 0
      ? ''
      : `<line x1="${opened * barWidth}" x2="${opened * barWidth}" y1="0" y2="${height}" stroke="#111" stroke-dasharray="4 3"/>`;
  return (
    `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="mentions per ${step} and negative share">` +
    `${bars}<polyline points="${line}" fill="none" stroke="#991b1b" stroke-width="2"/>${marker}</svg>` +
    `<p class="legend">Bars: mentions per ${step} (red: negative). Line: negative share (0–100 %). Dashed: incident opened.</p>`
  );
}

/** A printable HTML page of the report, self-contained (inline style and chart). */
export function renderReportHtml(report: IncidentReport): string {
  const markdownless = (text: string) => escapeHtml(text);
  const at = (ms: number) => clock(report, ms);
  const { incident } = report;
  const rows = (cells: string[][]) =>
    cells.map((row) => `<tr>${row.map((c) => `<td>${markdownless(c)}</td>`).join('')}</tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Crisis report — ${escapeHtml(incident.brand.name)} — ${escapeHtml(incident.id)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#111;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:1.6rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.25rem .4rem;text-align:left;vertical-align:top}
.chart{width:100%;height:auto;border:1px solid #eee}.legend,.source{color:#555;font-size:.85rem}
@media print{body{margin:0}a{color:inherit}}
</style></head><body>
<h1>Crisis report — ${escapeHtml(incident.brand.name)}: ${escapeHtml(incident.levelName)}</h1>
<p><strong>${escapeHtml(incident.title)}</strong></p>
<ul>
<li>Incident <code>${escapeHtml(incident.id)}</code>, ${escapeHtml(incident.state)}; times in ${escapeHtml(report.timezone)}</li>
<li>Opened ${at(incident.openedAtMs)}${
    incident.acknowledgedAtMs === undefined
      ? ', never acknowledged'
      : `, acknowledged ${at(incident.acknowledgedAtMs)} by ${escapeHtml(incident.acknowledgedBy ?? '?')}`
  }${incident.resolvedAtMs === undefined ? ', still open' : `, resolved ${at(incident.resolvedAtMs)} by ${escapeHtml(incident.resolvedBy ?? '?')}`} — ${formatElapsed(incident.durationMs)}</li>
<li>Owner: ${escapeHtml(incident.owner ?? 'nobody')}; ${incident.pages} page(s) to ${escapeHtml(incident.paged.join(', ') || 'nobody')}</li>
</ul>
<h2>Signals (${report.alerts.length})</h2>
<table><thead><tr><th>alert</th><th>trigger</th><th>level</th><th>hits</th><th>peak/min</th><th>state</th><th>reason</th></tr></thead><tbody>${rows(
    report.alerts.map((a) => [a.id, a.triggerId, a.level, String(a.hits), String(a.peakPerMin), a.state, a.reason]),
  )}</tbody></table>
<h2>Volume and negative share</h2>
${volumeChart(report)}
<p class="source">${report.volume.totals.mentions} mention(s), ${report.volume.totals.negative} negative${
    report.volume.totals.negativeSharePct === null ? '' : ` (${report.volume.totals.negativeSharePct} %)`
  }. Source: ${escapeHtml(report.volume.source)}.</p>
<h2>Timeline</h2>
<table><tbody class="timeline">${rows(report.timeline.map((e) => [at(e.atMs), e.actor, e.action, e.reason]))}</tbody></table>
<h2>Top mentions by reach</h2>
<p class="source">Source: ${escapeHtml(report.topMentions.source)}.</p>
<table><tbody>${rows(
    report.topMentions.items.map((m) => [
      m.followers.toLocaleString('en-US'),
      m.author ?? '',
      m.platform ?? '',
      m.text ?? m.mentionKey,
    ]),
  )}</tbody></table>
<h2>Reply times</h2>
<p class="replies">${escapeHtml(describeReplies(report.replies))}</p>
<h2>Who did what</h2>
<ul>${report.people.map((p) => `<li>${escapeHtml(p.name)} (${escapeHtml(p.actor)}): ${escapeHtml(describeActions(p.actions))}</li>`).join('')}</ul>
<p class="source">Generated ${at(report.generatedAtMs)} by Tocsin.</p>
</body></html>
`;
}
