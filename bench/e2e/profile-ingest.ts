import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { IngestKeyStore, RedisKeys } from '@tocsin/redis';
import { freePort } from '../../test/support/free-port';
import { IngestClient, percentile, runClosedLoop } from './load-generator';

const USAGE =
  'usage: npx tsx bench/e2e/profile-ingest.ts [--seconds N] [--connections N] [--per-request N] [--no-profile] [--main dist/…/main.js] [--env NAME=VALUE]… (KAFKA_BROKERS, REDIS_URL; ingest built)';
const ROOT = resolve(__dirname, '../..');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function and per package, as shares of the samples (idle left out). */
function summarize(profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfByFunction = new Map<string, number>();
  const selfByPackage = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') return;
    const delta = profile.timeDeltas[index] ?? 0;
    const file = node.callFrame.url.replace(/^file:\/\//, '').replace(ROOT, '.') || '(native)';
    const name = `${node.callFrame.functionName || '(anonymous)'} ${file}:${node.callFrame.lineNumber + 1}`;
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + delta);
    const where = file.includes('node_modules/') ? file.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1') : file;
    selfByPackage.set(where, (selfByPackage.get(where) ?? 0) + delta);
  });
  const total = [...selfByFunction.values()].reduce((sum, value) => sum + value, 0);
  const top = (map: Map<string, number>, count: number): void => {
    for (const [name, micros] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, count)) {
      console.log(`  ${((micros / total) * 100).toFixed(1).padStart(5)} %  ${name}`);
    }
  };
  console.log(`busy self time, ${(total / 1e6).toFixed(1)} s sampled — by function:`);
  top(selfByFunction, 30);
  console.log('by file or package:');
  top(selfByPackage, 25);
}

function say(message: string): void {
  process.stderr.write(`profile-ingest: ${message}\n`);
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function waitHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${url} not healthy after ${timeoutMs} ms`);
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
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
  summarize(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
  say(`profile: ${join(dir, file)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
