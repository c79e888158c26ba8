/**
 * Research: does the shape-novelty detector, as a third reading beside the spike detector's
 * point and 20-minute horizons, hold across the corpus? Scores the corpus bench's settings grid
 * alone and joined with the novelty pages on count series (one candidate per gate), and
 * reports the same cross-validation as `npm run -s bench:nab -- --corpus`: each held-out
 * category or file scored with the candidate chosen on the others, on the standard profile.
 * Run: `npx tsx bench/nab/shape-reading-cv.ts [--data <corpus dir>]`.
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import type { DetectorSettings } from '@tocsin/detection';
import { SETTINGS_GRID } from './corpus-run';
import { chooseOnOthers, type FileResult, heldOutFigures, normaliseResults } from './cross-validation';
import { loadCorpusFiles, resolveCorpusDir, runBench } from './nab-data';
import { NAB_PROFILES, NAB_PROFILE_NAMES, type NabProfileName, scoreNabFile } from './nab-scoring';
import { DEFAULT_NOVELTY_SETTINGS } from './novelty-detector';
import { detectNoveltySeries, detectSeries } from './series-run';
import { joinShapeReading } from './shape-reading';

/** Gates tried for the novelty pages: 0 lets a new shape at an ordinary level page. */
const GATES = [0, 0.2, 0.3, 0.4, 0.45] as const;
/** Normalised points a candidate must gain over the first (the spike defaults) to replace it. */
const CHOICE_MARGIN = 1;

function main(): void {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { data: { type: 'string' } }, strict: true });
  const files = loadCorpusFiles(resolveCorpusDir(values.data));
  const novelty = files.map((file) => detectNoveltySeries(file.rows).verdicts);
  const candidates: { label: string; results: Record<NabProfileName, FileResult[]> }[] = [];
  const add = (label: string, detectionsOf: (fileIndex: number) => boolean[]) => {
    const results = Object.fromEntries(NAB_PROFILE_NAMES.map((profile) => [profile, [] as FileResult[]])) as Record<
      NabProfileName,
      FileResult[]
    >;
    files.forEach((file, index) => {
      const detections = detectionsOf(index);
      for (const profile of NAB_PROFILE_NAMES) {
        const score = scoreNabFile(detections, file.windows, NAB_PROFILES[profile]);
        results[profile].push({ raw: score.score, windows: score.scoredWindows });
      }
    });
    candidates.push({ label, results });
  };
  const spikeRuns = SETTINGS_GRID.map(({ settings }) =>
    files.map((file) => detectSeries(file.rows, settings).verdicts),
  );
  // The spike detector alone first, in the grid's order: its first candidate wins ties, as in the corpus bench.
  SETTINGS_GRID.forEach(({ label }, gridIndex) =>
    add(label, (fileIndex) => (spikeRuns[gridIndex]?.[fileIndex] ?? []).map((verdict) => verdict.score >= 0.5)),
  );
  for (const gate of GATES) {
    SETTINGS_GRID.forEach(({ label, settings }: { label: string; settings: DetectorSettings }, gridIndex) =>
      add(`${label} + shape (gate ${gate})`, (fileIndex) =>
        joinShapeReading(
          files[fileIndex]?.rows ?? [],
          spikeRuns[gridIndex]?.[fileIndex] ?? [],
          novelty[fileIndex] ?? [],
          {
            gate,
            blockMs: DEFAULT_NOVELTY_SETTINGS.blockMs,
            refractoryMs: settings.refractoryMs,
          },
        ),
      ),
    );
  }

  const categories = [...new Set(files.map((file) => file.category))];
  const folds: [string, number[][]][] = [
    [
      'leave-one-category-out',
      categories.map((category) => files.flatMap((file, i) => (file.category === category ? [i] : []))),
    ],
    ['leave-one-file-out', files.map((_, index) => [index])],
  ];
  const standard = candidates.map((candidate) => candidate.results.standard);
  const spikeOnly = standard.slice(0, SETTINGS_GRID.length);
  const lines = [
    `${files.length} files; standard / reward_low_FP / reward_low_FN, settings chosen on the standard profile`,
  ];
  for (const [name, fold] of folds) {
    for (const [label, pool] of [
      ['spike detector alone', spikeOnly],
      ['spike + shape reading', standard],
    ] as const) {
      const choices = chooseOnOthers(pool, fold, NAB_PROFILES.standard, CHOICE_MARGIN);
      const figures = heldOutFigures(candidates, fold, choices);
      const chosen = [...new Set(choices.map((choice) => candidates[choice]?.label))].join('; ');
      lines.push(`${`${name}, ${label}`.padEnd(48)} ${figures.join(' / ')}   chosen: ${chosen}`);
    }
  }
  lines.push('', 'Every candidate on all files:');
  for (const candidate of candidates) {
    const figures = NAB_PROFILE_NAMES.map((profile) =>
      normaliseResults(candidate.results[profile], NAB_PROFILES[profile]).toFixed(2),
    );
    lines.push(`  ${candidate.label.padEnd(58)} ${figures.join(' / ')}`);
  }
  lines.push(
    '',
    `load average ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

runBench(main);
