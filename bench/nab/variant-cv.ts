/**
 * Research: cross-validates variants of the detector's settings as the corpus bench does its
 * defaults. Each variant (a JSON object of DetectorSettings overrides) is crossed with the
 * bench's settings grid; the report gives each variant's grid alone, then every variant's grid
 * pooled into one choice, the first variant's candidates first so that they win ties. The pooled
 * figures are the test of a new setting: a variant must be chosen on the other files (or
 * categories) and still score on the held-out ones.
 * Run: `npx tsx bench/nab/variant-cv.ts '{}' '{"warmUpMs": 7200000}' [--data <corpus dir>]`.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { DetectorSettings } from '@tocsin/detection';
import { SETTINGS_GRID } from './corpus-run';
import { chooseOnOthers, type FileResult, heldOutFigures } from './cross-validation';
import { type NabFile, loadCorpusFiles, resolveCorpusDir, runBench } from './nab-data';
import { NAB_PROFILES, NAB_PROFILE_NAMES, type NabProfileName, scoreNabFile } from './nab-scoring';
import { detectSeries } from './series-run';

/** Normalised points another candidate must gain over the first to replace it, as in the bench. */
const CHOICE_MARGIN = 1;

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

function scoreVariant(files: readonly NabFile[], overrides: Partial<DetectorSettings>): Candidate[] {
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

/** LOCO and LOFO figures of one pool of candidates, settings chosen on the standard profile. */
function crossValidate(files: readonly NabFile[], pool: readonly Candidate[]): string[] {
  const categories = [...new Set(files.map((file) => file.category))];
  const folds: [string, number[][]][] = [
    ['LOCO', categories.map((category) => files.flatMap((file, i) => (file.category === category ? [i] : [])))],
    ['LOFO', files.map((_, index) => [index])],
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
    options: { data: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const files = loadCorpusFiles(resolveCorpusDir(values.data));
  const variants = (positionals.length > 0 ? positionals : ['{}']).map(parseVariant);
  const scored = variants.map((overrides) => scoreVariant(files, overrides));
  const lines = [`${files.length} files; standard / reward_low_FP / reward_low_FN, held out`];
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
