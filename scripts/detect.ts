import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_DETECTOR_SETTINGS, type DetectorSettings, MENTION_DETECTOR_SETTINGS } from '@tocsin/detection';
import { SeriesFormatError, parseSeriesCsv } from '../bench/nab/nab-csv';
import { detectSeries, inferIntervalMs } from '../bench/nab/series-run';

const USAGE = 'usage: npm run -s detect -- --input <series.csv> --output <results.csv> [--reading any|mentions]';

/**
 * The detector's two readings: `any` (the defaults: both sides, the corpus's cross-validated
 * choice) and `mentions` (what the pipeline runs on a brand's mentions: more than usual only).
 */
const READINGS: Readonly<Record<string, DetectorSettings>> = {
  any: DEFAULT_DETECTOR_SETTINGS,
  mentions: MENTION_DETECTOR_SETTINGS,
};

/** Formats a score compactly but losslessly enough for NAB's threshold comparisons. */
function formatScore(score: number): string {
  return Number(score.toFixed(6)).toString();
}

function main(argv: string[]): number {
  let input: string | undefined;
  let output: string | undefined;
  let settings: DetectorSettings | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { input: { type: 'string' }, output: { type: 'string' }, reading: { type: 'string', default: 'any' } },
      strict: true,
    });
    input = values.input;
    output = values.output;
    const reading = values.reading ?? 'any';
    settings = READINGS[reading];
    if (!settings) {
      throw new RangeError(`--reading must be one of ${Object.keys(READINGS).join(', ')}, got ${reading}`);
    }
  } catch (error) {
    process.stderr.write(`detect: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (!input || !output || !settings) {
    process.stderr.write(`detect: --input and --output are required\n${USAGE}\n`);
    return 2;
  }

  let text: string;
  try {
    text = readFileSync(input, 'utf8');
  } catch (error) {
    process.stderr.write(`detect: cannot read ${input}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  let rows;
  try {
    rows = parseSeriesCsv(text);
  } catch (error) {
    if (error instanceof SeriesFormatError) {
      process.stderr.write(`detect: ${input}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }

  const { verdicts } = detectSeries(rows, settings);
  const lines = ['timestamp,value,anomaly_score'];
  rows.forEach((row, index) => {
    lines.push(`${row.timestamp},${row.value},${formatScore(verdicts[index]?.score ?? 0)}`);
  });
  writeFileSync(output, `${lines.join('\n')}\n`);
  const intervalMs = inferIntervalMs(rows);
  const alerts = verdicts.filter((verdict) => verdict.alert).length;
  process.stderr.write(
    `detect: ${rows.length} rows, interval ${intervalMs === undefined ? 'n/a' : `${intervalMs / 1000}s`}, ${alerts} alerts → ${output}\n`,
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
