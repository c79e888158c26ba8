import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_DETECTOR_SETTINGS } from '@tocsin/detection';
import { type SeriesRow, parseNabTimestamp, parseSeriesCsv } from './nab-csv';
import { NAB_PROFILE_NAMES, type NabProfileName, type NabWindowRows, locateWindowRows } from './nab-scoring';
import { DEFAULT_NOVELTY_SETTINGS } from './novelty-detector';
import { detectNoveltySeries, detectSeries } from './series-run';

/** The six realTweets series shipped in shared/data/nab. */
export const NAB_FILE_NAMES = [
  'Twitter_volume_AAPL',
  'Twitter_volume_AMZN',
  'Twitter_volume_CRM',
  'Twitter_volume_FB',
  'Twitter_volume_GOOG',
  'Twitter_volume_KO',
] as const;

export const PUBLISHED_DETECTORS = ['ARTime', 'numenta', 'twitterADVec', 'windowedGaussian', 'null'] as const;
export type PublishedDetector = (typeof PUBLISHED_DETECTORS)[number];

/** One labelled series: its rows and its windows as row indices. */
export interface NabFile {
  name: string;
  /** NAB's category folder, e.g. realTweets. */
  category: string;
  rows: SeriesRow[];
  windows: NabWindowRows[];
}

/**
 * The NAB folder: `--data` first, then TOCSIN_DATA_DIR (the shared data root or its nab
 * folder), then shared/data/nab beside the repository.
 */
export function resolveNabDir(explicitDir?: string): string {
  if (explicitDir) {
    return path.resolve(explicitDir);
  }
  const fromEnv = process.env.TOCSIN_DATA_DIR;
  if (fromEnv) {
    const nested = path.join(fromEnv, 'nab');
    return existsSync(path.join(nested, 'combined_windows.json')) ? nested : path.resolve(fromEnv);
  }
  return path.resolve(__dirname, '../../../shared/data/nab');
}

const windowsSchema = z.record(z.array(z.tuple([z.string(), z.string()])));
const thresholdsSchema = z.record(z.record(z.object({ threshold: z.number() }).passthrough()));

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function readSeries(file: string): SeriesRow[] {
  try {
    return parseSeriesCsv(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function parseWindowTimestamp(text: string): number {
  const ms = parseNabTimestamp(text);
  if (ms === undefined) {
    throw new Error(`combined_windows.json: bad timestamp "${text}"`);
  }
  return ms;
}

function loadFile(nabDir: string, windows: z.infer<typeof windowsSchema>, category: string, name: string): NabFile {
  const key = `${category}/${name}.csv`;
  const fileWindows = windows[key];
  if (!fileWindows) {
    throw new Error(`combined_windows.json has no entry for ${key}`);
  }
  const rows = readSeries(path.join(nabDir, category, `${name}.csv`));
  const windowsMs = fileWindows.map(
    ([start, end]) => [parseWindowTimestamp(start), parseWindowTimestamp(end)] as const,
  );
  return {
    name,
    category,
    rows,
    windows: locateWindowRows(
      rows.map((row) => row.timestampMs),
      windowsMs,
    ),
  };
}

/** Reads the six labelled series and their windows. */
export function loadNabFiles(nabDir: string): NabFile[] {
  const windows = windowsSchema.parse(readJson(path.join(nabDir, 'combined_windows.json')));
  return NAB_FILE_NAMES.map((name) => loadFile(nabDir, windows, 'realTweets', name));
}

/**
 * The corpus folder: `--data` first, then TOCSIN_DATA_DIR's nab-corpus folder (or the folder
 * itself), then shared/data/nab-corpus beside the repository.
 */
export function resolveCorpusDir(explicitDir?: string): string {
  if (explicitDir) {
    return path.resolve(explicitDir);
  }
  const fromEnv = process.env.TOCSIN_DATA_DIR;
  if (fromEnv) {
    const nested = path.join(fromEnv, 'nab-corpus');
    return existsSync(path.join(nested, 'combined_windows.json')) ? nested : path.resolve(fromEnv);
  }
  return path.resolve(__dirname, '../../../shared/data/nab-corpus');
}

/** Reads every series of a NAB-layout corpus (`<category>/<file>.csv`), in name order. */
export function loadCorpusFiles(corpusDir: string): NabFile[] {
  const windows = windowsSchema.parse(readJson(path.join(corpusDir, 'combined_windows.json')));
  const categories = readdirSync(corpusDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return categories.flatMap((category) =>
    readdirSync(path.join(corpusDir, category))
      .filter((file) => file.endsWith('.csv'))
      .sort()
      .map((file) => loadFile(corpusDir, windows, category, file.slice(0, -'.csv'.length))),
  );
}

/** A published detector's anomaly scores for one series, row for row. */
export function loadPublishedScores(nabDir: string, detector: PublishedDetector, fileName: string): number[] {
  const rows = readSeries(path.join(nabDir, 'published', detector, `${detector}_${fileName}.csv`));
  return rows.map((row) => row.anomalyScore ?? 0);
}

const artimePerFileSchema = z.object({
  scores: z.record(z.tuple([z.number(), z.number(), z.number()])),
});

/**
 * ARTime's published raw score per corpus file and profile (in NAB_PROFILE_NAMES order), kept in
 * the repository (bench/nab/fixtures/artime-per-file.json, from numenta/NAB's results) so the
 * corpus bench can pair it with Tocsin's file by file.
 */
export function loadArtimeFileScores(): Map<string, readonly [number, number, number]> {
  const parsed = artimePerFileSchema.parse(readJson(path.join(__dirname, 'fixtures', 'artime-per-file.json')));
  return new Map(Object.entries(parsed.scores));
}

/** Each published detector's threshold per profile, as NAB optimised them. */
export function loadThresholds(nabDir: string): Record<PublishedDetector, Record<NabProfileName, number>> {
  const parsed = thresholdsSchema.parse(readJson(path.join(nabDir, 'thresholds.json')));
  const result = {} as Record<PublishedDetector, Record<NabProfileName, number>>;
  for (const detector of PUBLISHED_DETECTORS) {
    const byProfile = {} as Record<NabProfileName, number>;
    for (const profile of NAB_PROFILE_NAMES) {
      const threshold = parsed[detector]?.[profile]?.threshold;
      if (threshold === undefined) {
        throw new Error(`thresholds.json: no ${profile} threshold for ${detector}`);
      }
      byProfile[profile] = threshold;
    }
    result[detector] = byProfile;
  }
  return result;
}

/** Detectors the benches can score: the magnitude model, the shape-novelty model. */
export const DETECTORS = ['spike', 'novelty'] as const;
export type DetectorName = (typeof DETECTORS)[number];

/** What the benches run: a detector and whether it is handed each file's range in advance. */
export interface BenchArgs {
  nabDir: string;
  /** Score the whole corpus (with cross-validation) rather than the six realTweets files. */
  corpus: boolean;
  /** Print each file's score too. */
  perFile: boolean;
  /** Score the corpus's defaults under perturbed input instead (`--corpus` only). */
  robustness: boolean;
  detector: DetectorName;
  /**
   * NAB's own protocol hands every detector its whole file's min and max before the first row
   * (ARTime and HTM scale their inputs with them). A stream cannot know them; this option
   * shows how much a detector owes to that look-ahead.
   */
  lookAhead: boolean;
}

/**
 * The bench's options: `--corpus`, `--data <dir>`, `--detector spike|novelty`, `--look-ahead`,
 * `--per-file`, `--robustness`.
 */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      corpus: { type: 'boolean', default: false },
      'per-file': { type: 'boolean', default: false },
      robustness: { type: 'boolean', default: false },
      data: { type: 'string' },
      detector: { type: 'string', default: 'spike' },
      'look-ahead': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const detector = values.detector ?? 'spike';
  if (!(DETECTORS as readonly string[]).includes(detector)) {
    throw new RangeError(`--detector must be one of ${DETECTORS.join(', ')}, got ${detector}`);
  }
  const lookAhead = values['look-ahead'] ?? false;
  if (lookAhead && detector !== 'novelty') {
    throw new RangeError('--look-ahead applies to --detector novelty only (the spike detector has no input range)');
  }
  const corpus = values.corpus ?? false;
  if (corpus && detector !== 'spike') {
    throw new RangeError('--corpus scores the spike detector only (its settings grid is the one cross-validated)');
  }
  const robustness = values.robustness ?? false;
  if (robustness && !corpus) {
    throw new RangeError('--robustness applies to --corpus only');
  }
  return {
    nabDir: corpus ? resolveCorpusDir(values.data) : resolveNabDir(values.data),
    corpus,
    perFile: values['per-file'] ?? false,
    robustness,
    detector: detector as DetectorName,
    lookAhead,
  };
}

/**
 * Scores and final state size of one series under a detector with its default settings; with
 * `lookAhead` the novelty detector's scale is the file's largest value from the first row on.
 */
export function runDetector(
  name: DetectorName,
  rows: readonly SeriesRow[],
  lookAhead = false,
): { scores: number[]; stateBytes: number } {
  const { verdicts, stateBytes } =
    name === 'novelty'
      ? lookAhead
        ? detectNoveltySeries(
            rows,
            { ...DEFAULT_NOVELTY_SETTINGS, saturationRatio: null },
            rows.reduce((max, row) => Math.max(max, row.value), 0),
          )
        : detectNoveltySeries(rows)
      : detectSeries(rows, DEFAULT_DETECTOR_SETTINGS);
  return { scores: verdicts.map((verdict) => verdict.score), stateBytes };
}

/** Runs a bench's main; a bad option or missing data ends it with the reason and exit code 2. */
export function runBench(main: () => void): void {
  try {
    main();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
