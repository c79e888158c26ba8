import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Mention } from '@tocsin/domain';
import { IngestClient } from './demo/ingest-client';
import { BAD_BUZZ_SHAPE, generateDemoStream, type DemoMention } from './demo/demo-stream.generator';
import { REPLAY_USAGE, formatDuration, parseReplayOptions, type ReplayOptions } from './demo/replay-options';

/** Mentions wait at most this long to share a POST with the next ones. */
const FLUSH_EVERY_MS = 250;
const PROGRESS_EVERY_MS = 5_000;
const MINUTE_MS = 60_000;
/** History goes in large posts: it is sent as fast as ingest takes it, not paced. */
const HISTORY_BATCH_SIZE = 500;

interface ReplayStats {
  /** Event time of the stream's start, ms since the Unix epoch. */
  startMs: number;
  sent: number;
  accepted: number;
  rejected: number;
  /** Event time of the last mention sent. */
  eventMs: number | null;
}

function log(line: string): void {
  process.stderr.write(`[demo] ${line}\n`);
}

/** Laps follow one another in event time, each with the next seed, so ids never repeat. */
function* generateLaps(options: ReplayOptions, startMs: number): Generator<DemoMention> {
  for (let lap = 0; lap === 0 || options.loop; lap += 1) {
    yield* generateDemoStream({
      seed: options.seed + lap,
      startMs: startMs + lap * options.durationMs,
      durationMs: options.durationMs,
      badBuzzOffsetMs: options.badBuzzOffsetMs,
    });
  }
}

/**
 * The quiet stretch before the start (no bad buzz), ending where the live stream begins; its ids
 * differ from the laps' since they derive from its own start.
 */
function* generateHistory(options: ReplayOptions, startMs: number): Generator<DemoMention> {
  if (options.historyMs <= 0) return;
  yield* generateDemoStream({
    seed: options.seed,
    startMs: startMs - options.historyMs,
    durationMs: options.historyMs,
    badBuzzOffsetMs: null,
  });
}

/** Offset of an event time into its lap, and the lap's number from 0. */
function locateInLap(options: ReplayOptions, startMs: number, eventMs: number): { lap: number; offsetMs: number } {
  const elapsedMs = eventMs - startMs;
  const lap = Math.max(0, Math.floor(elapsedMs / options.durationMs));
  return { lap, offsetMs: elapsedMs - lap * options.durationMs };
}

function describeBadBuzz(options: ReplayOptions, stats: ReplayStats): string {
  if (options.badBuzzOffsetMs === null) return 'bad buzz off';
  if (stats.eventMs === null) return `bad buzz at +${formatDuration(options.badBuzzOffsetMs)}`;
  const { offsetMs } = locateInLap(options, stats.startMs, stats.eventMs);
  const minutesIn = (offsetMs - options.badBuzzOffsetMs) / MINUTE_MS;
  if (minutesIn < 0) return `bad buzz in ${formatDuration(-minutesIn * MINUTE_MS)}`;
  if (minutesIn < BAD_BUZZ_SHAPE.endMin) return `BAD BUZZ under way (+${formatDuration(minutesIn * MINUTE_MS)})`;
  return 'bad buzz over';
}

function describePosition(options: ReplayOptions, stats: ReplayStats): string {
  if (stats.eventMs === null) return 'not started';
  const { lap, offsetMs } = locateInLap(options, stats.startMs, stats.eventMs);
  const lapNote = options.loop ? `, lap ${lap + 1}` : '';
  return `${new Date(stats.eventMs).toISOString().slice(0, 19)}Z (+${formatDuration(offsetMs)} of ${formatDuration(options.durationMs)}${lapNote})`;
}

function describeProgress(options: ReplayOptions, stats: ReplayStats): string {
  return [
    `sent ${stats.sent}`,
    `accepted ${stats.accepted}`,
    `rejected ${stats.rejected}`,
    `event time ${describePosition(options, stats)}`,
    describeBadBuzz(options, stats),
  ].join(' · ');
}

async function printNdjson(items: Iterable<DemoMention>, out: Writable, signal: AbortSignal): Promise<void> {
  for (const item of items) {
    if (signal.aborted) return;
    // Respect the pipe's backpressure so `| head` or a slow consumer does not buffer the whole stream.
    if (!out.write(`${JSON.stringify(item.mention)}\n`)) await once(out, 'drain', { signal });
  }
}

/** Writes the history then the stream to `file` as NDJSON, for plan:replay. */
async function writeNdjson(options: ReplayOptions, file: string, startMs: number, signal: AbortSignal): Promise<void> {
  const out = createWriteStream(file);
  try {
    await printNdjson(generateHistory(options, startMs), out, signal);
    await printNdjson(generateLaps(options, startMs), out, signal);
  } finally {
    out.end();
    await once(out, 'close');
  }
  const liveFrom = new Date(startMs).toISOString();
  log(
    `mentions written to ${file}; rehearse with: npm run -s plan:replay -- --plan <plan.yaml> --input ${file} --live-from ${liveFrom}`,
  );
}

/** Posts one batch and tallies the outcome, logging the first rejections by name. */
async function sendBatch(
  client: IngestClient,
  batch: Mention[],
  stats: ReplayStats,
  signal: AbortSignal,
): Promise<void> {
  if (batch.length === 0) return;
  const outcome = await client.send(batch, signal);
  stats.sent += batch.length;
  stats.accepted += outcome.accepted;
  stats.rejected += outcome.rejected;
  for (const rejection of outcome.rejections.slice(0, 5)) {
    log(
      `rejected ${rejection.key}${rejection.field === undefined ? '' : ` at ${rejection.field}`}: ${rejection.message}`,
    );
  }
  if (outcome.rejections.length > 5) log(`… and ${outcome.rejections.length - 5} more rejections in this batch`);
  const last = batch[batch.length - 1];
  if (last !== undefined) stats.eventMs = Date.parse(last.createdAt);
}

/** Sends the quiet history as fast as ingest takes it, so the live part starts on warm detectors. */
async function sendHistory(
  client: IngestClient,
  options: ReplayOptions,
  stats: ReplayStats,
  signal: AbortSignal,
): Promise<void> {
  if (options.historyMs <= 0) return;
  const startedMs = Date.now();
  const sentBefore = stats.sent;
  log(`sending ${formatDuration(options.historyMs)} of quiet history before the start, as fast as ingest takes it`);
  let batch: Mention[] = [];
  for (const item of generateHistory(options, stats.startMs)) {
    batch.push(item.mention);
    if (batch.length >= HISTORY_BATCH_SIZE) {
      await sendBatch(client, batch, stats, signal);
      batch = [];
    }
  }
  await sendBatch(client, batch, stats, signal);
  log(`history sent: ${stats.sent - sentBefore} mentions in ${formatDuration(Date.now() - startedMs)}`);
}

async function replay(options: ReplayOptions, stats: ReplayStats, signal: AbortSignal): Promise<void> {
  // From the environment, not the command line, where every user of the machine could read it.
  const key = process.env.INGEST_KEY;
  if (!key) throw new Error('INGEST_KEY is not set: create one with `npm run -s keys -- create --source demo`');
  const client = new IngestClient(options.ingestUrl, key, log);
  log(`waiting for ingest at ${options.ingestUrl}`);
  await client.waitUntilReachable(signal);
  // The stream starts once ingest is up, so its event times read as "now" on the wall.
  stats.startMs = options.startMs ?? Date.now();
  await sendHistory(client, options, stats, signal);
  // Live pacing counts from here, after the history, so the first live mention is due at once.
  const wallStartMs = Date.now();
  log(
    `replaying from ${new Date(stats.startMs).toISOString()} at ${options.speed}× (${describeBadBuzz(options, stats)})`,
  );
  const dueAt = (item: DemoMention): number =>
    wallStartMs + (Date.parse(item.mention.createdAt) - stats.startMs) / options.speed;
  let pending: Mention[] = [];
  let pendingSinceMs = 0;

  const flush = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    await sendBatch(client, batch, stats, signal);
  };

  const progress = setInterval(() => log(describeProgress(options, stats)), PROGRESS_EVERY_MS);
  try {
    for (const item of generateLaps(options, stats.startMs)) {
      const dueMs = dueAt(item);
      for (;;) {
        const nowMs = Date.now();
        if (pending.length >= options.batchSize || (pending.length > 0 && nowMs - pendingSinceMs >= FLUSH_EVERY_MS)) {
          await flush();
          continue;
        }
        if (dueMs <= nowMs) break;
        const untilFlushMs = pending.length > 0 ? FLUSH_EVERY_MS - (nowMs - pendingSinceMs) : FLUSH_EVERY_MS;
        await sleep(Math.max(1, Math.min(dueMs - nowMs, untilFlushMs)), undefined, { signal });
      }
      if (pending.length === 0) pendingSinceMs = Date.now();
      pending.push(item.mention);
    }
    await flush();
  } finally {
    clearInterval(progress);
  }
}

async function main(): Promise<number> {
  let options: ReplayOptions;
  try {
    options = parseReplayOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${REPLAY_USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(REPLAY_USAGE);
    return 0;
  }

  const controller = new AbortController();
  const stop = (signalName: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(130);
    log(`${signalName} received, stopping`);
    controller.abort();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // The reader went away (e.g. `| head`): that is the end of a dry run, not a failure.
    if (error.code === 'EPIPE') controller.abort();
    else log(`stdout: ${error.message}`);
  });

  const stats: ReplayStats = {
    startMs: options.startMs ?? Date.now(),
    sent: 0,
    accepted: 0,
    rejected: 0,
    eventMs: null,
  };
  try {
    if (options.outputFile !== null) await writeNdjson(options, options.outputFile, stats.startMs, controller.signal);
    else if (options.dryRun) {
      await printNdjson(generateHistory(options, stats.startMs), process.stdout, controller.signal);
      await printNdjson(generateLaps(options, stats.startMs), process.stdout, controller.signal);
    } else await replay(options, stats, controller.signal);
  } catch (error) {
    if (!controller.signal.aborted) {
      log(`failed: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
  }
  if (!options.dryRun && options.outputFile === null) log(`done: ${describeProgress(options, stats)}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
