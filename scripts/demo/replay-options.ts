import { parseArgs } from 'node:util';

export interface ReplayOptions {
  ingestUrl: string;
  /** Event time elapsed per unit of wall time: 60 plays one hour of stream per minute. */
  speed: number;
  durationMs: number;
  seed: number;
  /** Event time of the stream's start; null anchors it to the moment the replay begins. */
  startMs: number | null;
  /** Offset of the bad buzz from the start; null for a stream without one. */
  badBuzzOffsetMs: number | null;
  /**
   * Quiet history sent at once before the live stream, ending where it starts, so the spike
   * detectors are past their warm-up when the live part begins; 0 for none.
   */
  historyMs: number;
  batchSize: number;
  loop: boolean;
  dryRun: boolean;
  /** File to write the mentions to as NDJSON instead of posting them (for plan:replay); null to post. */
  outputFile: string | null;
  help: boolean;
}

export const REPLAY_USAGE = `Replays a generated stream of French and English mentions into ingest.

Usage: npm run -s demo -- [options]

  --ingest <url>       ingest base URL (default http://127.0.0.1:3000)
  --speed <factor>     event time per wall time, 60 = one hour per minute (default 60)
  --duration <span>    length of the stream in event time, e.g. 90m, 6h, 1d (default 6h)
  --seed <n>           seed of the generator; same seed and start, same stream (default 1)
  --start <ISO>        event time of the first mention (default: now)
  --burst-at <span>    when the bad buzz on fleurie starts, from the start, or "off" (default 30m)
  --history <span>     quiet history sent at once before the start, so spike detection has
                       learnt each brand's days when the live stream begins, or "off" (default 7d)
  --batch <n>          mentions per POST (default 50)
  --loop               start over, with the next seed, when the duration is up
  --dry-run            print the mentions as NDJSON on stdout instead of posting them
  --output <file>      write them as NDJSON to this file instead, for npm run -s plan:replay
  --help               show this help

Posts with the ingest key in INGEST_KEY (npm run -s keys -- create --source demo).
`;

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "90s", "20m", "6h", "1d" or combinations such as "1h30m" into milliseconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== trimmed) {
    throw new RangeError(`expected a duration such as 90s, 20m, 6h or 1h30m, got "${text}"`);
  }
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * (DURATION_UNITS_MS[unit ?? ''] ?? 0), 0);
}

/** Writes a span of milliseconds the way a person reads it: "7d", "1h05m", "12m", "45s". */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.round(Math.abs(ms) / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const sign = ms < 0 ? '-' : '';
  if (hours >= 24 && minutes === 0 && seconds === 0) {
    const rest = hours % 24;
    return `${sign}${Math.floor(hours / 24)}d${rest > 0 ? `${String(rest).padStart(2, '0')}h` : ''}`;
  }
  if (hours > 0) return `${sign}${hours}h${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${sign}${minutes}m`;
  return `${sign}${seconds}s`;
}

function parsePositive(name: string, text: string, integer: boolean): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new RangeError(`--${name}: expected a positive ${integer ? 'integer' : 'number'}, got "${text}"`);
  }
  return value;
}

function parseNamedDuration(name: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new RangeError(`--${name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Reads the command line; throws a RangeError naming the option when a value is wrong. */
export function parseReplayOptions(args: readonly string[]): ReplayOptions {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      ingest: { type: 'string', default: 'http://127.0.0.1:3000' },
      speed: { type: 'string', default: '60' },
      duration: { type: 'string', default: '6h' },
      seed: { type: 'string', default: '1' },
      start: { type: 'string' },
      'burst-at': { type: 'string', default: '30m' },
      history: { type: 'string', default: '7d' },
      batch: { type: 'string', default: '50' },
      loop: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      output: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  let ingestUrl: URL;
  try {
    ingestUrl = new URL(values.ingest);
  } catch (error) {
    throw new RangeError(`--ingest: expected a URL such as http://127.0.0.1:3000, got "${values.ingest}"`, {
      cause: error,
    });
  }
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new RangeError(`--seed: expected a non-negative integer, got "${values.seed}"`);
  let startMs: number | null = null;
  if (values.start !== undefined) {
    startMs = Date.parse(values.start);
    if (Number.isNaN(startMs)) throw new RangeError(`--start: expected an ISO-8601 time, got "${values.start}"`);
  }
  const durationMs = parseNamedDuration('duration', values.duration);
  if (durationMs <= 0) throw new RangeError(`--duration: expected a span longer than zero, got "${values.duration}"`);
  const burstAt = values['burst-at'];
  // A looping stream never ends: it can be posted or piped, not written out to a file.
  if (values.output !== undefined && values.loop) throw new RangeError('--output: cannot be combined with --loop');
  return {
    ingestUrl: ingestUrl.href.replace(/\/+$/, ''),
    speed: parsePositive('speed', values.speed, false),
    durationMs,
    seed,
    startMs,
    badBuzzOffsetMs: burstAt === 'off' ? null : parseNamedDuration('burst-at', burstAt),
    historyMs: values.history === 'off' ? 0 : parseNamedDuration('history', values.history),
    batchSize: parsePositive('batch', values.batch, true),
    loop: values.loop,
    dryRun: values['dry-run'],
    outputFile: values.output ?? null,
    help: values.help,
  };
}
