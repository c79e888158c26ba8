import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const FIVE_MINUTES_MS = 5 * 60_000;
const START_MS = Date.UTC(2015, 1, 26, 21, 42, 53);

function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Three days of a gentle daily wave with one spike on the third day. */
function buildSeries(): { text: string; rows: number; spikeRow: number } {
  const rows = 3 * 288;
  const spikeRow = 2 * 288 + 100;
  const lines = ['timestamp,value'];
  for (let row = 0; row < rows; row += 1) {
    const wave = Math.round(40 + 20 * Math.sin((2 * Math.PI * row) / 288) + ((row * 7) % 5));
    lines.push(`${formatTimestamp(START_MS + row * FIVE_MINUTES_MS)},${row === spikeRow ? 900 : wave}`);
  }
  return { text: `${lines.join('\n')}\n`, rows, spikeRow };
}

function runDetect(args: string[]) {
  return spawnSync(TSX, ['scripts/detect.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
}

describe('scripts/detect.ts', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tocsin-detect-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes timestamp,value,anomaly_score for every row, in order, with the spike scored ≥ 0.5', () => {
    const series = buildSeries();
    const input = path.join(dir, 'series.csv');
    const output = path.join(dir, 'results.csv');
    writeFileSync(input, series.text);

    const result = runDetect(['--input', input, '--output', output]);

    expect(result.status).toBe(0);
    const lines = readFileSync(output, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('timestamp,value,anomaly_score');
    expect(lines).toHaveLength(series.rows + 1);
    const inputLines = series.text.trimEnd().split('\n');
    lines.slice(1).forEach((line, index) => {
      const [timestamp, value, score] = line.split(',');
      expect(`${timestamp},${value}`).toBe(inputLines[index + 1]);
      expect(Number(score)).toBeGreaterThanOrEqual(0);
      expect(Number(score)).toBeLessThanOrEqual(1);
    });
    const spikeScore = Number(lines[series.spikeRow + 1]?.split(',')[2]);
    expect(spikeScore).toBeGreaterThanOrEqual(0.5);
    expect(result.stderr).toMatch(/864 rows, interval 300s, 1 alerts/);
  }, 30_000);

  it('scores rows in the order given when timestamps repeat or step back, as NAB does', () => {
    const series = buildSeries();
    const lines = series.text.trimEnd().split('\n');
    // A duplicated sample and a clock stepping back an hour, as real series have them.
    lines.splice(400, 0, lines[400] ?? '');
    lines.splice(500, 0, `${formatTimestamp(START_MS + 300 * FIVE_MINUTES_MS)},41`);
    const input = path.join(dir, 'unordered.csv');
    const output = path.join(dir, 'unordered-results.csv');
    writeFileSync(input, `${lines.join('\n')}\n`);

    const result = runDetect(['--input', input, '--output', output]);

    expect(result.status).toBe(0);
    const written = readFileSync(output, 'utf8').trimEnd().split('\n');
    expect(written).toHaveLength(lines.length);
    written.slice(1).forEach((line, index) => {
      const [timestamp, value, score] = line.split(',');
      expect(`${timestamp},${value}`).toBe(lines[index + 1]);
      expect(Number(score)).toBeGreaterThanOrEqual(0);
      expect(Number(score)).toBeLessThan(1);
    });
    // The spike, now two rows further down, still pages.
    expect(Number(written[series.spikeRow + 3]?.split(',')[2])).toBeGreaterThanOrEqual(0.5);
    expect(result.stderr).toMatch(/866 rows, interval 300s, 1 alerts/);
  }, 30_000);

  it.each([
    [
      'a bad value',
      'timestamp,value\n2015-01-01 00:00:00,1\n2015-01-01 00:05:00,many\n',
      /line 3: value "many" is not a finite number/,
    ],
    [
      'a bad timestamp',
      'timestamp,value\n01/01/2015,1\n',
      /line 2: timestamp "01\/01\/2015" is not YYYY-MM-DD HH:MM:SS/,
    ],
    [
      'a wrong header',
      'time,count\n2015-01-01 00:00:00,1\n',
      /line 1: header must name the columns timestamp and value/,
    ],
  ])(
    'fails with the line and the reason on %s',
    (_case, text, message) => {
      const input = path.join(dir, 'bad.csv');
      writeFileSync(input, text);
      const result = runDetect(['--input', input, '--output', path.join(dir, 'never.csv')]);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(message);
    },
    30_000,
  );

  it('scores a fall with the default reading and not with the mentions reading', () => {
    const series = buildSeries();
    const lines = series.text.trimEnd().split('\n');
    // The spike becomes a fall to nothing: a failure for a reading, no bad buzz for a brand.
    const [timestamp] = (lines[series.spikeRow + 1] ?? '').split(',');
    lines[series.spikeRow + 1] = `${timestamp},0`;
    const input = path.join(dir, 'fall.csv');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const scoreOfFall = (reading: string) => {
      const output = path.join(dir, `fall-${reading}.csv`);
      const result = runDetect(['--input', input, '--output', output, '--reading', reading]);
      expect(result.status).toBe(0);
      const written = readFileSync(output, 'utf8').trimEnd().split('\n');
      return Number(written[series.spikeRow + 1]?.split(',')[2]);
    };
    expect(scoreOfFall('any')).toBeGreaterThanOrEqual(0.5);
    expect(scoreOfFall('mentions')).toBeLessThan(0.5);
  }, 60_000);

  it('exits 2 naming the readings when --reading is unknown', () => {
    const result = runDetect(['--input', 'x.csv', '--output', 'y.csv', '--reading', 'upper']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--reading must be one of any, mentions, got upper/);
  }, 30_000);

  it('prints usage and exits 2 when an argument is missing', () => {
    const result = runDetect(['--input', 'x.csv']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--input and --output are required/);
  }, 30_000);
});
