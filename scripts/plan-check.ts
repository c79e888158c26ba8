import {
  describeCrisisTerm,
  findCoverageIssues,
  formatPlanError,
  groupDailySpans,
  loadPlanFile,
  type CrisisPlan,
  type CoverageSpan,
  type PlanLoadResult,
} from '@tocsin/crisis-plan';
import { DateTime } from 'luxon';

const USAGE = 'usage: npm run -s plan:check -- [--from YYYY-MM-DD] <plan.yaml> [more.yaml …]';
const MINUTE_MS = 60_000;
/** Runs of spans listed per schedule; the rest are counted, so a rota broken every night stays readable. */
const MAX_RUNS_SHOWN = 12;

function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

function minutes(ms: number): string {
  return `${Math.round(ms / MINUTE_MS).toLocaleString('en-US')} min`;
}

function describeSpans(spans: readonly CoverageSpan[], timezone: string, what: string): string[] {
  const runs = groupDailySpans(spans, timezone);
  const lines = runs.slice(0, MAX_RUNS_SHOWN).map((run) => {
    const days = run.count === 1 ? run.firstDate : `every day ${run.firstDate} … ${run.lastDate}`;
    const who = run.userIds.length > 0 ? `: ${[...run.userIds].sort().join(', ')}` : '';
    return `      ${run.startClock}–${run.endClock} ${days} (${plural(run.count, what)}, ${minutes(run.totalMs)})${who}`;
  });
  const hidden = runs.length - MAX_RUNS_SHOWN;
  return hidden > 0 ? [...lines, `      … and ${plural(hidden, 'more run')}`] : lines;
}

/** Outcome of the on-call coverage check of one plan over [fromMs, fromMs + 12 months). */
export interface CoverageCheck {
  lines: string[];
  /** A round-the-clock schedule has a gap: a page could reach nobody. */
  failed: boolean;
}

/**
 * Gaps (nobody on call) and overlaps (several people paged at once) of every schedule over the
 * 12 months from `fromMs`, exact from the rota boundaries, dated in the plan's time zone.
 */
export function describeCoverage(plan: CrisisPlan, fromMs: number): CoverageCheck {
  const zone = plan.timezone;
  const from = DateTime.fromMillis(fromMs, { zone });
  const toMs = from.plus({ months: 12 }).toMillis();
  const lines = [
    `on-call coverage ${from.toISODate() ?? ''} → ${DateTime.fromMillis(toMs, { zone }).toISODate() ?? ''}, ${zone} time:`,
  ];
  let failed = false;
  for (const schedule of plan.schedules) {
    const { gaps, overlaps } = findCoverageIssues(schedule, fromMs, toMs);
    const total = (spans: readonly CoverageSpan[]): number =>
      spans.reduce((sum, span) => sum + span.endMs - span.startMs, 0);
    const partial = schedule.coverage === 'partial';
    if (gaps.length > 0 && !partial) failed = true;
    const gapWord =
      gaps.length === 0 ? 'no gap' : `${plural(gaps.length, 'gap')} (${minutes(total(gaps))}) with nobody on call`;
    const overlapWord =
      overlaps.length === 0
        ? 'no overlap'
        : `${plural(overlaps.length, 'overlap')} (${minutes(total(overlaps))}) paging several people`;
    const verdict = gaps.length > 0 && !partial ? 'FAIL' : gaps.length > 0 || overlaps.length > 0 ? 'note' : 'OK';
    lines.push(`  ${schedule.id}: ${verdict} — ${gapWord}, ${overlapWord}${partial ? ' (coverage: partial)' : ''}`);
    // Office-hours rotas are meant to have gaps; listing every night would bury the real findings.
    if (gaps.length > 0 && !partial) lines.push('    gaps:', ...describeSpans(gaps, zone, 'gap'));
    if (overlaps.length > 0) lines.push('    overlaps:', ...describeSpans(overlaps, zone, 'overlap'));
  }
  return { lines, failed };
}

/**
 * The verdict for a valid plan, then how each crisis term matches (its stems in French and
 * English, or its prefix), so a CM sees what "brûlure" catches before it pages anyone; one line
 * per error for an invalid plan.
 */
export function describePlanCheck(result: PlanLoadResult): string[] {
  if (!result.ok) return result.errors.map(formatPlanError);
  const { plan } = result;
  const counts = [
    plural(plan.brands.length, 'brand'),
    plural(plan.levels.length, 'level'),
    plural(plan.triggers.length, 'trigger'),
    plural(plan.people.length, 'person', 'people'),
    plural(plan.schedules.length, 'schedule'),
  ];
  const terms = plan.triggers.flatMap((trigger) =>
    trigger.kind === 'crisis-vocabulary'
      ? [`  ${trigger.id}:`, ...trigger.terms.map((term) => `    ${describeCrisisTerm(term)}`)]
      : [],
  );
  return [
    `${result.file}: OK — ${counts.join(', ')}`,
    ...(terms.length > 0 ? ['crisis terms match words with these stems (-) or starts (…):', ...terms] : []),
  ];
}

/** `--from YYYY-MM-DD` (midnight in each plan's zone) or now; undefined when the option is malformed. */
function parseFrom(args: string[]): { fromIso: string | null; files: string[] } | undefined {
  const index = args.indexOf('--from');
  if (index === -1) return { fromIso: null, files: args };
  const value = args[index + 1];
  if (value === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  return { fromIso: value, files: [...args.slice(0, index), ...args.slice(index + 2)] };
}

/**
 * Validates plan files without starting anything (like `promtool check config`), then checks
 * the on-call coverage of each valid plan over the next 12 months. A gap in a round-the-clock
 * schedule fails the check: an alert opened then would page nobody on its first step. Overlaps
 * only print, since two people paged at a hand-over is harmless.
 * Exit code: 0 all valid and covered, 1 some plan invalid or with a gap, 2 usage error.
 */
export async function runPlanCheck(
  args: readonly string[],
  nowMs: number = Date.now(),
): Promise<{ exitCode: 0 | 1 | 2; lines: string[] }> {
  const parsed = parseFrom(args.filter((arg) => arg !== '--'));
  if (!parsed || parsed.files.length === 0 || parsed.files.some((arg) => arg.startsWith('-'))) {
    return { exitCode: 2, lines: [USAGE] };
  }
  const results = await Promise.all(parsed.files.map(loadPlanFile));
  let failed = false;
  const lines = results.flatMap((result) => {
    if (!result.ok) {
      failed = true;
      return describePlanCheck(result);
    }
    const fromMs = parsed.fromIso ? DateTime.fromISO(parsed.fromIso, { zone: result.plan.timezone }).toMillis() : nowMs;
    const coverage = describeCoverage(result.plan, fromMs);
    failed ||= coverage.failed;
    return [...describePlanCheck(result), ...coverage.lines];
  });
  return { exitCode: failed ? 1 : 0, lines };
}

if (require.main === module) {
  void runPlanCheck(process.argv.slice(2)).then(({ exitCode, lines }) => {
    const out = exitCode === 0 ? process.stdout : process.stderr;
    out.write(lines.map((line) => `${line}\n`).join(''));
    process.exitCode = exitCode;
  });
}
