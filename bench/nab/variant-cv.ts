/**
 * Research: cross-validates a variant of the detector (settings overrides given as JSON) over
 * the corpus bench's settings grid, as `npm run -s bench:nab -- --corpus` does for the defaults.
 * Run: `npx tsx bench/nab/variant-cv.ts '<json overrides>' [--data <corpus dir>]`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import type { DetectorSettings } from '@tocsin/detection';
import { SETTINGS_GRID } from './corpus-run';
import { chooseOnOthers, type FileResult, heldOutResults, normaliseResults } from './cross-validation';
import { loadCorpusFiles, resolveCorpusDir, runBench } from './nab-data';
import { NAB_PROFILES, NAB_PROFILE_NAMES, type NabProfileName, scoreNabFile } from './nab-scoring';
import { detectSeries } from './series-run';

const CHOICE_MARGIN = 1;

function main(): void {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { data: { type: 'string' }, save: { type: 'string' }, pool: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const files = loadCorpusFiles(resolveCorpusDir(values.data));
  type Candidate = {
    label: string;
    results: Record<NabProfileName, FileResult[]>;
    tp: number;
    fp: number;
  };
  if (values.pool === true) {
    const pooled = positionals.flatMap((path) => JSON.parse(readFileSync(path, 'utf8')) as Candidate[]);
    report(files, pooled, `pooled ${positionals.join(' ')}`);
    return;
  }
  const overrides = JSON.parse(positionals[0] ?? '{}') as Partial<DetectorSettings>;
  const grid: Candidate[] = SETTINGS_GRID.map(({ label, settings }) => {
    const merged = { ...settings, ...overrides };
    const results = Object.fromEntries(NAB_PROFILE_NAMES.map((profile) => [profile, [] as FileResult[]])) as Record<
      NabProfileName,
      FileResult[]
    >;
    let tp = 0;
    let fp = 0;
    files.forEach((file) => {
      const detections = detectSeries(file.rows, merged).verdicts.map((verdict) => verdict.score >= 0.5);
      for (const profile of NAB_PROFILE_NAMES) {
        const score = scoreNabFile(detections, file.windows, NAB_PROFILES[profile]);
        results[profile].push({ raw: score.score, windows: score.scoredWindows });
        if (profile === 'standard') {
          tp += score.truePositives;
          fp += score.falsePositives;
        }
      }
    });
    return { label: `${JSON.stringify(overrides)} ${label}`, results, tp, fp };
  });
  if (values.save !== undefined) {
    writeFileSync(values.save, JSON.stringify(grid));
  }
  report(files, grid, `overrides ${JSON.stringify(overrides)}`);
}

function report(
  files: ReturnType<typeof loadCorpusFiles>,
  grid: { label: string; results: Record<NabProfileName, FileResult[]>; tp: number; fp: number }[],
  title: string,
): void {
  const categories = [...new Set(files.map((file) => file.category))];
  const categoryFolds = categories.map((category) =>
    files.flatMap((file, i) => (file.category === category ? [i] : [])),
  );
  const fileFolds = files.map((_, index) => [index]);
  const standard = grid.map((candidate) => candidate.results.standard);
  const lines = [`${title}; ${files.length} files; standard / low_FP / low_FN`];
  for (const [name, folds] of [
    ['LOCO', categoryFolds],
    ['LOFO', fileFolds],
  ] as const) {
    const choices = chooseOnOthers(standard, folds, NAB_PROFILES.standard, CHOICE_MARGIN);
    const figures = NAB_PROFILE_NAMES.map((profile) =>
      normaliseResults(
        heldOutResults(
          grid.map((candidate) => candidate.results[profile]),
          folds,
          choices,
        ),
        NAB_PROFILES[profile],
      ).toFixed(2),
    );
    const chosen = [...new Set(choices.map((choice) => grid[choice]?.label))].join('; ');
    lines.push(`${name} ${figures.join(' / ')}   chosen: ${chosen}`);
    if (name === 'LOCO') {
      lines.push(
        '  held out by category: ' +
          categories
            .map((category, fold) => {
              const indices = categoryFolds[fold] ?? [];
              const chosenGrid = grid[choices[fold] ?? 0];
              const figure = normaliseResults(
                indices.map((i) => chosenGrid?.results.standard[i] as FileResult),
                NAB_PROFILES.standard,
              );
              return `${category} ${Number.isNaN(figure) ? 'n/a' : figure.toFixed(2)}`;
            })
            .join(', '),
      );
    }
  }
  for (const candidate of grid) {
    const figures = NAB_PROFILE_NAMES.map((profile) =>
      normaliseResults(candidate.results[profile], NAB_PROFILES[profile]).toFixed(2),
    );
    lines.push(`  ${candidate.label.padEnd(90)} ${figures.join(' / ')}  tp ${candidate.tp} fp ${candidate.fp}`);
  }
  lines.push(
    `load average ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

runBench(main);
