import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { NAB_PROFILE_NAMES } from './nab-scoring';
import {
  PUBLISHED_DETECTORS,
  loadNabFiles,
  loadPublishedScores,
  loadThresholds,
  resolveNabDir,
  runBench,
} from './nab-data';

/**
 * Writes the fixture that keeps the NAB scorer checked against NAB's own results without the
 * data folder: for the six realTweets files, their row counts and windows, and for each
 * published detector and profile the rows its output flags at NAB's published threshold.
 * Run once with the data at hand: `npx tsx bench/nab/published-fixture.ts [--data DIR]`.
 */
const PUBLISHED_FIXTURE = path.join(__dirname, 'fixtures', 'published-detections.json');

function main(): void {
  const dataIndex = process.argv.indexOf('--data');
  const nabDir = resolveNabDir(dataIndex >= 0 ? process.argv[dataIndex + 1] : undefined);
  const files = loadNabFiles(nabDir);
  const thresholds = loadThresholds(nabDir);
  const fixture = {
    source: 'shared/data/nab: NAB realTweets, published outputs at the published thresholds',
    files: files.map((file) => ({
      name: file.name,
      rowCount: file.rows.length,
      windows: file.windows,
      detections: Object.fromEntries(
        PUBLISHED_DETECTORS.map((detector) => {
          const scores = loadPublishedScores(nabDir, detector, file.name);
          return [
            detector,
            Object.fromEntries(
              NAB_PROFILE_NAMES.map((profile) => [
                profile,
                scores.flatMap((score, row) => (score >= thresholds[detector][profile] ? [row] : [])),
              ]),
            ),
          ];
        }),
      ),
    })),
  };
  writeFileSync(PUBLISHED_FIXTURE, `${JSON.stringify(fixture)}\n`);
}

runBench(main);
