import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { toRawRecord } from '@tocsin/kafka';
import { freePort } from '../../test/support/free-port';
import { cpuSecondsOf, printCpuProfileIn } from './app-process';
import { benchMention } from './load-generator';

const USAGE =
  'usage: npx tsx bench/e2e/profile-drain.ts [--mentions N] [--hot] [--node-arg ARG]… (KAFKA_BROKERS, REDIS_URL; apps built)';
const ROOT = resolve(__dirname, '../..');

function say(message: string): void {
  process.stderr.write(`profile-drain: ${message}\n`);
}

/**
 * Fills a run-private mentions.raw with a backlog, then starts the built pipeline under
 * `node --cpu-prof` until both its groups have committed everything, and prints where the CPU
 * went. `--hot` puts every mention on one brand.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  let mentions = 100_000;
  let hot = false;
  const nodeArgs: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--mentions' && args[i + 1]) mentions = Number(args[(i += 1)]);
    else if (args[i] === '--hot') hot = true;
    else if (args[i] === '--node-arg' && args[i + 1]) nodeArgs.push(args[(i += 1)] ?? '');
    else throw new Error(USAGE);
  }
  const brokers = process.env.KAFKA_BROKERS;
  const redisUrl = process.env.REDIS_URL;
  if (!brokers || !redisUrl) throw new Error(USAGE);
  const runId = `profile-${Date.now().toString(36)}`;
  const prefix = `${runId}.`;
  const dir = join(ROOT, '.tocsin', 'logs', runId);
  mkdirSync(dir, { recursive: true });
  const kafka = new Kafka({ clientId: runId, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics = ['mentions.raw', 'mentions.enriched', 'mentions.dlq', 'alerts.signals'];
  await admin.createTopics({
    waitForLeaders: true,
    topics: topics.map((topic) => ({ topic: `${prefix}${topic}`, numPartitions: 6, replicationFactor: 1 })),
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const startMs = Date.now() - 60 * 60_000;
  const receivedAt = new Date().toISOString();
  for (let first = 0; first < mentions; first += 1_000) {
    const messages = [];
    for (let i = first; i < Math.min(mentions, first + 1_000); i += 1) {
      const mention = benchMention(`${runId}-${i}`, hot ? 0 : i, new Date(startMs + i * 20).toISOString());
      const record = toRawRecord({ ...mention, text: `${mention.text} ${i}` }, receivedAt, []);
      messages.push({ key: hot ? 'brand:voltaway' : record.key, value: record.value });
    }
    await producer.send({ topic: `${prefix}mentions.raw`, acks: -1, messages });
  }
  await producer.disconnect();
  say(`${mentions} mentions in ${prefix}mentions.raw; starting the pipeline under --cpu-prof…`);

  const port = await freePort();
  const log = openSync(join(dir, 'pipeline.log'), 'w');
  const startedMs = performance.now();
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--cpu-prof', '--cpu-prof-dir', dir, 'dist/apps/pipeline/apps/pipeline/src/main.js'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        KAFKA_BROKERS: brokers,
        REDIS_URL: redisUrl,
        KAFKA_TOPIC_PREFIX: prefix,
        REDIS_KEY_PREFIX: `${runId}:`,
        PIPELINE_GROUP_ID: `${runId}-pipeline`,
        PIPELINE_HEALTH_HOST: '127.0.0.1',
        PIPELINE_HEALTH_PORT: String(port),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', log, log],
    },
  );
  const lagOf = async (group: string, topic: string): Promise<number> => {
    const [ends, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId: group, topics: [topic] }),
    ]);
    const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    return ends.reduce((lag, end) => lag + Number(end.high) - Math.max(0, done.get(end.partition) ?? 0), 0);
  };
  let firstMs = 0;
  let firstCpuS = 0;
  const deadline = performance.now() + 300_000;
  while (performance.now() < deadline) {
    const rawLag = await lagOf(`${runId}-pipeline-enrichment`, `${prefix}mentions.raw`).catch(() => mentions);
    if (!firstMs && rawLag < mentions) {
      firstMs = performance.now();
      firstCpuS = cpuSecondsOf(child.pid);
    }
    if (rawLag === 0 && (await lagOf(`${runId}-pipeline-signals`, `${prefix}mentions.enriched`)) === 0) break;
    await new Promise((done) => setTimeout(done, 200));
  }
  const seconds = (performance.now() - (firstMs || startedMs)) / 1000;
  const cpuS = cpuSecondsOf(child.pid) - firstCpuS;
  console.log(
    `drained ${mentions} mentions${hot ? ' (one brand)' : ''} in ${seconds.toFixed(1)} s: ${Math.round(mentions / seconds)}/s, ` +
      `pipeline CPU ${cpuS.toFixed(1)} s (${Math.round((cpuS * 1e6) / mentions)} µs a mention); load average ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' ')}`,
  );
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
  await admin.deleteTopics({ topics: topics.map((topic) => `${prefix}${topic}`) });
  await admin.disconnect();
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${runId}:*`);
  if (keys.length > 0) await redis.unlink(...keys);
  redis.disconnect();
  say(`profile: ${printCpuProfileIn(dir)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
