import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { IngestKeyStore, RedisKeys } from '@tocsin/redis';
import { freePort } from '../../test/support/free-port';
import { cpuSecondsOf, printCpuProfileIn, waitHealthy } from './app-process';
import { IngestClient, percentile, runClosedLoop } from './load-generator';

const USAGE =
  'usage: npx tsx bench/e2e/profile-ingest.ts [--seconds N] [--connections N] [--per-request N] [--no-profile] [--main dist/…/main.js] [--env NAME=VALUE]… (KAFKA_BROKERS, REDIS_URL; ingest built)';
const ROOT = resolve(__dirname, '../..');

function say(message: string): void {
  process.stderr.write(`profile-ingest: ${message}\n`);
}

/**
 * Starts the built ingest (under `node --cpu-prof` unless `--no-profile`) on a run-private
 * topic prefix, posts `--per-request` mentions (1) per request over `--connections` keep-alive connections for
 * `--seconds` (after a 2 s warm-up), and prints the rate, ingest's CPU per request and where it
 * went.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  let seconds = 10;
  let connections = 32;
  let perRequest = 1;
  let profile = true;
  // Another build of ingest (a copy of dist/apps/ingest inside the repository) compares two versions.
  let main = 'dist/apps/ingest/apps/ingest/src/main.js';
  const extraEnv: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--seconds' && args[i + 1]) seconds = Number(args[(i += 1)]);
    else if (args[i] === '--connections' && args[i + 1]) connections = Number(args[(i += 1)]);
    else if (args[i] === '--per-request' && args[i + 1]) perRequest = Number(args[(i += 1)]);
    else if (args[i] === '--no-profile') profile = false;
    else if (args[i] === '--main' && args[i + 1]) main = args[(i += 1)] ?? main;
    else if (args[i] === '--env' && /^[A-Z_]+=/.test(args[i + 1] ?? '')) {
      const [name = '', ...value] = (args[(i += 1)] ?? '').split('=');
      extraEnv[name] = value.join('=');
    } else throw new Error(USAGE);
  }
  const brokers = process.env.KAFKA_BROKERS;
  const redisUrl = process.env.REDIS_URL;
  if (!brokers || !redisUrl) throw new Error(USAGE);
  const runId = `profile-ingest-${Date.now().toString(36)}`;
  const prefix = `${runId}.`;
  const dir = join(ROOT, '.tocsin', 'logs', runId);
  mkdirSync(dir, { recursive: true });
  const redis = new Redis(redisUrl);
  const { key } = await new IngestKeyStore(redis, new RedisKeys(`${runId}:`)).create('bench', null, Date.now());
  const port = await freePort();
  const log = openSync(join(dir, 'ingest.log'), 'w');
  const child = spawn(process.execPath, [...(profile ? ['--cpu-prof', '--cpu-prof-dir', dir] : []), main], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      KAFKA_BROKERS: brokers,
      REDIS_URL: redisUrl,
      KAFKA_TOPIC_PREFIX: prefix,
      REDIS_KEY_PREFIX: `${runId}:`,
      INGEST_HOST: '127.0.0.1',
      INGEST_PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', log, log],
  });
  try {
    await waitHealthy(`http://127.0.0.1:${port}/health`, 60_000);
    const client = new IngestClient(new URL(`http://127.0.0.1:${port}`), key, connections);
    const loop = { connections, perRequest, total: Number.MAX_SAFE_INTEGER };
    await runClosedLoop(client, { ...loop, maxSeconds: 2, idPrefix: `${runId}-warm` });
    const cpuStartS = cpuSecondsOf(child.pid);
    const clientStart = process.cpuUsage();
    const run = await runClosedLoop(client, { ...loop, maxSeconds: seconds, idPrefix: runId });
    const cpuS = cpuSecondsOf(child.pid) - cpuStartS;
    const generator = process.cpuUsage(clientStart);
    const clientS = (generator.user + generator.system) / 1e6;
    client.close();
    const requests = run.latenciesMs.length;
    console.log(
      `${Math.round(run.accepted / run.seconds)} mentions/s, ${perRequest} a request over ${connections} connections ` +
        `(${run.failed} failed), send→202 p50 ${percentile(run.latenciesMs, 50).toFixed(1)} ms p99 ` +
        `${percentile(run.latenciesMs, 99).toFixed(1)} ms; ingest CPU ${cpuS.toFixed(1)} s ` +
        `(${Math.round((cpuS * 1e6) / requests)} µs a request, ${Math.round((cpuS / run.seconds) * 100)} % of a core), ` +
        `load generator ${Math.round((clientS * 1e6) / requests)} µs a request (${Math.round((clientS / run.seconds) * 100)} %); ` +
        `load average ${loadavg()
          .map((value) => value.toFixed(2))
          .join(' ')}`,
    );
  } finally {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
    const admin = new Kafka({ clientId: runId, brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
    const keys = await redis.keys(`${runId}:*`);
    if (keys.length > 0) await redis.unlink(...keys);
    redis.disconnect();
  }
  if (!profile) return;
  say(`profile: ${printCpuProfileIn(dir)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
