/**
 * Research: cross-validates variants of the detector's settings as the corpus bench does its
 * defaults. Each variant (a JSON object of DetectorSettings overrides) is crossed with the
 * bench's settings grid; the report gives each variant's grid alone, then every variant's grid
 * pooled into one choice, the first variant's candidates first so that they win ties. The pooled
 * figures are the test of a new setting: a variant must be chosen on the other files (or
 * categories) and still score on the held-out ones.
 * With `--phases`, every file is also seen with its clock shifted by 15, 30 and 45 minutes, and a
 * file's four clocks are held out together: the figures are then means over the four phases, so
 * a variant cannot win by moving near misses across the line at the one clock the corpus has.
 * Run: `npx tsx bench/nab/variant-cv.ts '{}' '{"warmUpMs": 7200000}' [--phases] [--data <corpus dir>]`.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { DetectorSettings } from '@tocsin/detection';
import { SETTINGS_GRID } from './corpus-run';
import { chooseOnOthers, type FileResult, heldOutFigures } from './cross-validation';
import { type NabFile, loadCorpusFiles, resolveCorpusDir, runBench } from './nab-data';
import { NAB_PROFILES, NAB_PROFILE_NAMES, type NabProfileName, scoreNabFile } from './nab-scoring';
import { shiftClock } from './perturbations';
import { detectSeries } from './series-run';

/** The clock's quarter-hour phases `--phases` adds to the one each file comes with. */
const PHASE_SHIFTS_MS = [15, 30, 45].map((minutes) => minutes * 60_000);

/** Normalised points another candidate must gain over the first to replace it, as in the bench. */
const CHOICE_MARGIN = 1;

/** A corpus file as the choice reads it: rows may be a shifted copy of the file's own. */
type CorpusSeries = Pick<NabFile, 'name' | 'category' | 'windows'> & {
  rows: readonly Pick<NabFile['rows'][number], 'timestampMs' | 'value'>[];
};

interface Candidate {
  label: string;
  results: Record<NabProfileName, FileResult[]>;
}

function parseVariant(text: string): Partial<DetectorSettings> {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RangeError(`a variant must be a JSON object of detector settings, got ${text}`);
  }
  return parsed as Partial<DetectorSettings>;
}

function scoreVariant(files: readonly CorpusSeries[], overrides: Partial<DetectorSettings>): Candidate[] {
  return SETTINGS_GRID.map(({ label, settings }) => {
    const merged = { ...settings, ...overrides };
    const results = Object.fromEntries(NAB_PROFILE_NAMES.map((profile) => [profile, [] as FileResult[]])) as Record<
      NabProfileName,
      FileResult[]
    >;
    for (const file of files) {
      const detections = detectSeries(file.rows, merged).verdicts.map((verdict) => verdict.score >= 0.5);
      for (const profile of NAB_PROFILE_NAMES) {
        const score = scoreNabFile(detections, file.windows, NAB_PROFILES[profile]);
        results[profile].push({ raw: score.score, windows: score.scoredWindows });
      }
    }
    return { label: `${JSON.stringify(overrides)} ${label}`, results };
  });
}

/** Each file at its own clock, then at every shifted one; `name` stays the file's, so folds group them. */
function withPhases(files: readonly NabFile[]): CorpusSeries[] {
  const shifted = PHASE_SHIFTS_MS.flatMap((shiftMs) =>
    // Shifting the clock draws nothing at random.
    files.map((file) => ({ ...file, rows: shiftClock(shiftMs).apply(file.rows, Math.random) })),
  );
  return [...files, ...shifted];
}

/** Indices of the files in each group, groups in order of first appearance. */
function groupIndices(files: readonly CorpusSeries[], key: (file: CorpusSeries) => string): number[][] {
  const groups = new Map<string, number[]>();
  files.forEach((file, index) => {
    const group = groups.get(key(file)) ?? [];
    group.push(index);
    groups.set(key(file), group);
  });
  return [...groups.values()];
}

/** LOCO and LOFO figures of one pool of candidates, settings chosen on the standard profile. */
function crossValidate(files: readonly CorpusSeries[], pool: readonly Candidate[]): string[] {
  const folds: [string, number[][]][] = [
    ['LOCO', groupIndices(files, (file) => file.category)],
    ['LOFO', groupIndices(files, (file) => file.name)],
  ];
  return folds.map(([name, fold]) => {
    const choices = chooseOnOthers(
      pool.map((candidate) => candidate.results.standard),
      fold,
      NAB_PROFILES.standard,
      CHOICE_MARGIN,
    );
    const figures = heldOutFigures(pool, fold, choices);
    const chosen = [...new Set(choices.map((choice) => pool[choice]?.label))].join('; ');
    return `  ${name} ${figures.join(' / ')}   chosen: ${chosen}`;
  });
}

function main(): void {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { data: { type: 'string' }, phases: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  const published = loadCorpusFiles(resolveCorpusDir(values.data));
  const files = values.phases ? withPhases(published) : published;
  const variants = (positionals.length > 0 ? positionals : ['{}']).map(parseVariant);
  const scored = variants.map((overrides) => scoreVariant(files, overrides));
  const lines = [
    `${published.length} files${values.phases ? ', each at four clock phases' : ''}; standard / reward_low_FP / reward_low_FN, held out`,
  ];
  variants.forEach((overrides, index) => {
    lines.push(`${JSON.stringify(overrides)}, its grid alone:`, ...crossValidate(files, scored[index] ?? []));
  });
  if (variants.length > 1) {
    lines.push('every variant pooled into one choice:', ...crossValidate(files, scored.flat()));
  }
  lines.push(
    `load average ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

runBench(main);
