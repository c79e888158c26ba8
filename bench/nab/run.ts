import { performance } from 'node:perf_hooks';
import {
  NAB_PROFILES,
  NAB_PROFILE_NAMES,
  type NabCorpusScore,
  type NabProfileName,
  type NabScoredFile,
  scoreNabCorpus,
} from './nab-scoring';
import { runCorpus, runRobustness } from './corpus-run';
import {
  PUBLISHED_DETECTORS,
  loadCorpusFiles,
  loadNabFiles,
  loadPublishedScores,
  loadThresholds,
  parseBenchArgs,
  runDetector,
  runBench,
} from './nab-data';

/** Tocsin pages at a fixed score; the threshold is part of the product, never searched. */
const TOCSIN_THRESHOLD = 0.5;

/** Normalised six-file scores from NAB's own scorer, as published (shared/data/nab/README.md). */
const README_TABLE: readonly [string, number, number, number][] = [
  ['ARTime', 83.15, 72.76, 88.77],
  ['earthgecko Skyline', 69.13, 47.51, 77.66],
  ['CAD OSE', 66.8, 66.22, 68.71],
  ['HTM Java', 66.56, 56.92, 70.69],
  ['KNN CAD', 66.47, 42.31, 75.89],
  ['Numenta HTM', 63.31, 58.52, 66.77],
  ['Twitter ADVec', 61.79, 38.39, 71.02],
  ['Windowed Gaussian', 57.62, 29.59, 68.24],
  ['Relative Entropy', 51.26, 47.85, 53.47],
  ['Random Cut Forest', 51.07, 60.82, 64.86],
  ['Etsy Skyline', 42.29, 52.03, 59.78],
];

function formatRow(name: string, cells: readonly (string | number)[]): string {
  return [
    name.padEnd(27),
    ...cells.map((cell) => (typeof cell === 'number' ? cell.toFixed(2) : cell).padStart(10)),
  ].join(' ');
}

function scoreProfiles(files: NabScoredFile[], thresholdOf: (profile: NabProfileName) => number) {
  return Object.fromEntries(
    NAB_PROFILE_NAMES.map((profile) => [profile, scoreNabCorpus(files, thresholdOf(profile), NAB_PROFILES[profile])]),
  ) as Record<NabProfileName, NabCorpusScore>;
}

function main(): void {
  const { nabDir, corpus, perFile, robustness, detector, lookAhead } = parseBenchArgs(process.argv.slice(2));
  if (corpus && robustness) {
    process.stdout.write(`${runRobustness(loadCorpusFiles(nabDir), nabDir)}\n`);
    return;
  }
  if (corpus) {
    process.stdout.write(`${runCorpus(loadCorpusFiles(nabDir), nabDir, perFile)}\n`);
    return;
  }
  const files = loadNabFiles(nabDir);
  const thresholds = loadThresholds(nabDir);

  let points = 0;
  let elapsedMs = 0;
  let maxStateBytes = 0;
  const tocsinFiles: NabScoredFile[] = files.map((file) => {
    const startedMs = performance.now();
    const { scores, stateBytes } = runDetector(detector, file.rows, lookAhead);
    elapsedMs += performance.now() - startedMs;
    points += file.rows.length;
    maxStateBytes = Math.max(maxStateBytes, stateBytes);
    return { name: file.name, windows: file.windows, anomalyScores: scores };
  });
  const tocsin = scoreProfiles(tocsinFiles, () => TOCSIN_THRESHOLD);

  const header = formatRow('detector', ['standard', 'low_FP', 'low_FN']);
  const lines: string[] = [
    `NAB realTweets, ${files.length} files, ${nabDir}`,
    '',
    "Scored by Tocsin's NAB scorer:",
    header,
  ];
  const profileCells = (scores: Record<NabProfileName, NabCorpusScore>) =>
    NAB_PROFILE_NAMES.map((profile) => scores[profile].normalised);
  const label = `Tocsin ${detector}${lookAhead ? '+range' : ''} (${TOCSIN_THRESHOLD})`;
  lines.push(formatRow(label, profileCells(tocsin)));
  for (const detector of PUBLISHED_DETECTORS) {
    const published = files.map((file) => ({
      name: file.name,
      windows: file.windows,
      anomalyScores: loadPublishedScores(nabDir, detector, file.name),
    }));
    lines.push(formatRow(detector, profileCells(scoreProfiles(published, (profile) => thresholds[detector][profile]))));
  }
  lines.push('', 'Published by NAB (context):', header);
  for (const [name, ...cells] of README_TABLE) {
    lines.push(formatRow(name, cells));
  }
  lines.push('', 'Tocsin per file, standard profile:');
  lines.push(formatRow('file', ['raw', 'detected', 'false pos']));
  for (const file of tocsin.standard.files) {
    lines.push(
      formatRow(file.name, [
        file.score.toFixed(4),
        `${file.truePositives}/${file.scoredWindows}`,
        `${file.falsePositives}`,
      ]),
    );
  }
  if (lookAhead) {
    lines.push('', "+range: handed each file's largest value before its first row (NAB's protocol), not streaming.");
  }
  lines.push(
    '',
    `throughput: ${Math.round((points / elapsedMs) * 1000).toLocaleString('en-US')} points/s on one core (${points} points)`,
    `state per series: ${maxStateBytes} bytes of JSON (largest of the ${files.length} files)`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

runBench(main);
