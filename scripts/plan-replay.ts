import { readFile } from 'node:fs/promises';
import { formatPlanError, loadPlanFile } from '@tocsin/crisis-plan';
import { describeZodError, mentionSchema, type Mention } from '@tocsin/domain';
import { formatWait } from '@tocsin/reply-queue';
import { DateTime } from 'luxon';
import { replayPlan, type ReplayReport } from './replay/plan-replay.engine';

const USAGE =
  'usage: npm run -s plan:replay -- --plan <plan.yaml> --input <mentions.ndjson> [--live-from <ISO>] [--speed max]\n' +
  '  mentions.ndjson: one mention per line, as ingest takes them (npm run -s demo -- --dry-run writes one)\n' +
  '  --live-from: earlier mentions only warm the detectors (a history), as the live pipeline treats a backfill';
/** Bad lines named one by one; beyond, only counted. */
const MAX_BAD_LINES_SHOWN = 10;

interface ReplayArgs {
  planFile: string;
  inputFile: string;
  liveFromMs: number | undefined;
}

function parseArgs(args: readonly string[]): ReplayArgs | string {
  const values = new Map<string, string>();
  const rest = args.filter((arg) => arg !== '--');
  for (let index = 0; index < rest.length; index += 2) {
    const name = rest[index] ?? '';
    const value = rest[index + 1];
    if (!['--plan', '--input', '--speed', '--live-from'].includes(name) || value === undefined) return USAGE;
    values.set(name, value);
  }
  const speed = values.get('--speed') ?? 'max';
  // Event time is the only clock here; pacing the replay to a wall clock would only make it slower.
  if (speed !== 'max') return `--speed: only "max" is supported (the replay runs on event time), got "${speed}"`;
  const planFile = values.get('--plan');
  const inputFile = values.get('--input');
  if (!planFile || !inputFile) return USAGE;
  const liveFrom = values.get('--live-from');
  const liveFromMs = liveFrom === undefined ? undefined : Date.parse(liveFrom);
  if (liveFromMs !== undefined && Number.isNaN(liveFromMs)) {
    return `--live-from: expected an ISO-8601 time such as 2026-03-10T20:00:00Z, got "${liveFrom ?? ''}"`;
  }
  return { planFile, inputFile, liveFromMs };
}

/** Mentions of an NDJSON text, and one message per line that is not a valid mention. */
export function parseMentionLines(text: string, file: string): { mentions: Mention[]; errors: string[] } {
  const mentions: Mention[] = [];
  const errors: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      errors.push(`${file}:${index + 1}: not JSON (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    const parsed = mentionSchema.safeParse(json);
    if (parsed.success) mentions.push(parsed.data);
    else {
      const fields = describeZodError(parsed.error).map((field) => `${field.field}: ${field.message}`);
      errors.push(`${file}:${index + 1}: ${fields.join('; ')}`);
    }
  });
  return { mentions, errors };
}

function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : nouns}`;
}

/**
 * The reply queue in one line: what entered, what the brand's replies in the recording closed
 * and how fast, and what was left past its deadline (each raising the plan's reply-overdue hits).
 */
function describeReplyQueue(report: ReplayReport): string {
  const { entries, stats } = report.replyQueue;
  if (entries.length === 0) return 'reply queue: no negative mention to answer';
  const timing = [
    ...(stats.medianReplyMs === null ? [] : [`median first reply ${formatWait(stats.medianReplyMs)}`]),
    ...(stats.inTimePct === null ? [] : [`${stats.inTimePct} % within the deadline`]),
  ];
  const overdue = entries.filter((entry) => entry.overdueRaisedAtMs !== undefined).length;
  return (
    `reply queue: ${plural(entries.length, 'negative mention')} to answer, ` +
    `${stats.answered.toLocaleString('en-US')} answered by the brand` +
    (timing.length > 0 ? ` (${timing.join(', ')})` : '') +
    `, ${overdue.toLocaleString('en-US')} left past ${overdue === 1 ? 'its' : 'their'} deadline`
  );
}

/** What would have happened, in the plan's time zone: the timeline, then one line per incident and alert. */
export function describeReplay(report: ReplayReport, timezone: string): string[] {
  const at = (ms: number): string => DateTime.fromMillis(ms, { zone: timezone }).toFormat('yyyy-MM-dd HH:mm:ss');
  const { mentions } = report;
  const hits = Object.entries(report.hitsByTrigger).map(([trigger, count]) => `${trigger} ${count}`);
  const lines = [
    `mentions: ${plural(mentions.read, 'read', 'read')}, ${plural(mentions.duplicates, 'duplicate')}, ` +
      `${plural(mentions.aboutPlanBrands, 'about the plan brands', 'about the plan brands')}, ` +
      `${plural(mentions.negative, 'negative', 'negative')}, ${plural(mentions.late, 'late', 'late')}`,
    `trigger hits: ${hits.length > 0 ? hits.join(', ') : 'none'}`,
    describeReplyQueue(report),
  ];
  const inIncident = new Set(report.incidents.flatMap((incident) => incident.alerts.map((member) => member.alertId)));
  const ownTimeline = report.timeline.filter((entry) => !inIncident.has(entry.alertId));
  if (report.incidents.length > 0) {
    lines.push(
      `${plural(report.incidents.length, 'incident')} holding ${plural(inIncident.size, 'alert')}, ` +
        `${plural(report.pages.length, 'page')} (nobody acknowledges in a replay), ${timezone} time:`,
      ...report.incidentTimeline.map(
        (entry) =>
          `  ${at(entry.atMs)}  ${entry.incidentId} ${entry.brandId}  ${entry.action}: ${entry.reason}` +
          (entry.alertId === undefined ? '' : ` [${entry.alertId}]`),
      ),
    );
    for (const incident of report.incidents) {
      const closed = incident.resolvedAtMs === undefined ? 'still open' : `closed ${at(incident.resolvedAtMs)}`;
      const members = incident.alerts.map((member) => `${member.alertId} ${member.triggerId} ${member.level}`);
      lines.push(
        `${incident.id} ${incident.groupKey} ${incident.level}: opened ${at(incident.openedAtMs)}, ${closed}; ` +
          `${plural(incident.alerts.length, 'alert')} (${members.join(', ')}); ` +
          `${plural(incident.notificationCount, 'page')} to ${incident.pagedUserIds.join(', ') || 'nobody'}`,
      );
    }
  }
  if (ownTimeline.length > 0 || report.incidents.length === 0) {
    const pages = report.alerts
      .filter((alert) => !inIncident.has(alert.id))
      .reduce((sum, alert) => sum + alert.notificationCount, 0);
    lines.push(
      `${plural(report.alerts.length - inIncident.size, 'alert')} paging on ${report.alerts.length - inIncident.size === 1 ? 'its' : 'their'} own, ` +
        `${plural(pages, 'page')} (nobody acknowledges in a replay), ${timezone} time:`,
      ...ownTimeline.map(
        (entry) => `  ${at(entry.atMs)}  ${entry.alertId} ${entry.brandId}  ${entry.action}: ${entry.reason}`,
      ),
    );
  }
  for (const alert of report.alerts) {
    const closed = alert.resolvedAtMs === undefined ? 'still open' : `closed ${at(alert.resolvedAtMs)}`;
    const paging =
      alert.incidentId === undefined
        ? `${plural(alert.notificationCount, 'page')} to ${alert.pagedUserIds.join(', ') || 'nobody'}`
        : `paged through ${alert.incidentId}`;
    lines.push(
      `${alert.id} ${alert.groupKey} ${alert.level}: opened ${at(alert.openedAtMs)}, ${closed}; ` +
        `${plural(alert.evidence.count, 'hit')} (${alert.evidence.triggerIds.join(', ')}); ${paging}`,
    );
  }
  return lines;
}

/**
 * Rehearses a crisis plan on recorded mentions (like `promtool test rules`): prints the alerts
 * the live system would have opened, who it would have paged and when it would have escalated.
 * Exit code: 0 replayed, 1 invalid plan or unreadable input, 2 usage error.
 */
export async function runPlanReplay(args: readonly string[]): Promise<{ exitCode: 0 | 1 | 2; lines: string[] }> {
  const parsedArgs = parseArgs(args);
  if (typeof parsedArgs === 'string') return { exitCode: 2, lines: [parsedArgs] };
  const loaded = await loadPlanFile(parsedArgs.planFile);
  if (!loaded.ok) return { exitCode: 1, lines: loaded.errors.map(formatPlanError) };
  let text: string;
  try {
    text = await readFile(parsedArgs.inputFile, 'utf8');
  } catch (error) {
    return {
      exitCode: 1,
      lines: [`${parsedArgs.inputFile}: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
  const { mentions, errors } = parseMentionLines(text, parsedArgs.inputFile);
  const shownErrors = errors.slice(0, MAX_BAD_LINES_SHOWN);
  const hiddenErrors = errors.length - shownErrors.length;
  const report = replayPlan(
    loaded.plan,
    mentions,
    parsedArgs.liveFromMs === undefined ? {} : { liveFromMs: parsedArgs.liveFromMs },
  );
  return {
    exitCode: 0,
    lines: [
      `${parsedArgs.planFile} (version ${loaded.plan.version}) on ${parsedArgs.inputFile}`,
      ...shownErrors.map((error) => `skipped ${error}`),
      ...(hiddenErrors > 0 ? [`skipped ${plural(hiddenErrors, 'more invalid line')}`] : []),
      ...describeReplay(report, loaded.plan.timezone),
    ],
  };
}

if (require.main === module) {
  void runPlanReplay(process.argv.slice(2)).then(({ exitCode, lines }) => {
    const out = exitCode === 0 ? process.stdout : process.stderr;
    out.write(lines.map((line) => `${line}\n`).join(''));
    process.exitCode = exitCode;
  });
}
