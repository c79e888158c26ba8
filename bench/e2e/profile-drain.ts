import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureTopics, SINGLE_BROKER_REPLICATION, toRawRecord } from '@tocsin/kafka';
import { freePort } from '../../test/support/free-port';
import { cpuSecondsOf, printCpuProfileIn } from './app-process';
import { measureRawCeiling } from './raw-ceiling';
import { benchMention } from './load-generator';

const USAGE =
  'usage: npx tsx bench/e2e/profile-drain.ts [--mentions N] [--hot] [--instances N] [--compare] [--node-arg ARG]… (KAFKA_BROKERS, REDIS_URL; apps built)';
const ROOT = resolve(__dirname, '../..');

function say(message: string): void {
  process.stderr.write(`profile-drain: ${message}\n`);
}

interface DrainOptions {
  brokers: string;
  redisUrl: string;
  mentions: number;
  hot: boolean;
  instances: number;
  nodeArgs: string[];
}

interface Drain {
  perSecond: number;
  cpuMicrosPerMention: number;
  /** The folder holding the run's first `.cpuprofile`. */
  profileDir: string;
}

/**
 * Fills a run-private mentions.raw with a backlog (keyed by mention, as ingest does; `hot` puts
 * every mention on one brand), then starts `instances` built pipelines, each under
 * `node --cpu-prof`, until the three groups have committed everything.
 */
async function drain(options: DrainOptions): Promise<Drain> {
  const { brokers, redisUrl, mentions, hot, instances } = options;
  const runId = `profile-${Date.now().toString(36)}`;
  const prefix = `${runId}.`;
  const dir = join(ROOT, '.tocsin', 'logs', runId);
  mkdirSync(dir, { recursive: true });
  const kafka = new Kafka({ clientId: runId, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics = ['mentions.raw', 'mentions.enriched', 'mentions.tallies', 'mentions.dlq', 'alerts.signals'];
  await ensureTopics(
    kafka,
    topics.map((topic) => ({ topic: `${prefix}${topic}`, numPartitions: 6 })),
  );
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const startMs = Date.now() - 60 * 60_000;
  const receivedAt = new Date().toISOString();
  for (let first = 0; first < mentions; first += 1_000) {
    const messages = [];
    for (let i = first; i < Math.min(mentions, first + 1_000); i += 1) {
      const mention = benchMention(`${runId}-${i}`, hot ? 0 : i, new Date(startMs + i * 20).toISOString());
      messages.push(toRawRecord({ ...mention, text: `${mention.text} ${i}` }, receivedAt));
    }
    await producer.send({ topic: `${prefix}mentions.raw`, acks: -1, messages });
  }
  await producer.disconnect();
  say(
    `${mentions} mentions${hot ? ' of one brand' : ''} in ${prefix}mentions.raw; ${instances} pipeline(s) under --cpu-prof…`,
  );

  const startedMs = performance.now();
  const children: ChildProcess[] = [];
  for (let instance = 0; instance < instances; instance += 1) {
    const log = openSync(join(dir, `pipeline-${instance}.log`), 'w');
    children.push(
      spawn(
        process.execPath,
        [
          ...options.nodeArgs,
          '--cpu-prof',
          '--cpu-prof-dir',
          join(dir, String(instance)),
          'dist/apps/pipeline/apps/pipeline/src/main.js',
        ],
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
            PIPELINE_HEALTH_PORT: String(await freePort()),
            LOG_LEVEL: 'warn',
          },
          stdio: ['ignore', log, log],
        },
      ),
    );
  }
  const cpuSeconds = (): number => children.reduce((sum, child) => sum + cpuSecondsOf(child.pid), 0);
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
      firstCpuS = cpuSeconds();
    }
    if (
      rawLag === 0 &&
      (await lagOf(`${runId}-pipeline-triggers`, `${prefix}mentions.enriched`)) === 0 &&
      (await lagOf(`${runId}-pipeline-signals`, `${prefix}mentions.tallies`)) === 0
    )
      break;
    await new Promise((done) => setTimeout(done, 200));
  }
  const seconds = (performance.now() - (firstMs || startedMs)) / 1000;
  const cpuS = cpuSeconds() - firstCpuS;
  const result = {
    perSecond: mentions / seconds,
    cpuMicrosPerMention: (cpuS * 1e6) / mentions,
    profileDir: '',
  };
  console.log(
    `drained ${mentions} mentions${hot ? ' (one brand)' : ''} with ${instances} pipeline(s) in ${seconds.toFixed(1)} s: ` +
      `${Math.round(result.perSecond)}/s, pipeline CPU ${cpuS.toFixed(1)} s (${Math.round(result.cpuMicrosPerMention)} µs a mention); ` +
      `load average ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' ')}`,
  );
  await Promise.all(
    children.map((child) => {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      return exited;
    }),
  );
  await admin.deleteTopics({ topics: topics.map((topic) => `${prefix}${topic}`) });
  await admin.disconnect();
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${runId}:*`);
  if (keys.length > 0) await redis.unlink(...keys);
  redis.disconnect();
  // The first instance that wrote one: an instance that left the group early may have written none.
  for (let instance = 0; instance < instances; instance += 1) {
    const written = join(dir, String(instance));
    if (existsSync(written) && readdirSync(written).some((name) => name.endsWith('.cpuprofile'))) {
      return { ...result, profileDir: written };
    }
  }
  throw new Error(`no .cpuprofile written under ${dir}`);
}

/**
 * One drain with its profile (`--hot`: one brand; `--instances N`: N pipelines), or with
 * `--compare`, in one run: the broker's raw consume ceiling, then the spread and the hot-brand
 * drains with one and with two pipelines, printed as ratios of each other and of the ceiling.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  let mentions = 100_000;
  let hot = false;
  let compare = false;
  let instances = 1;
  const nodeArgs: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--mentions' && args[i + 1]) mentions = Number(args[(i += 1)]);
    else if (args[i] === '--hot') hot = true;
    else if (args[i] === '--compare') compare = true;
    else if (args[i] === '--instances' && args[i + 1]) instances = Number(args[(i += 1)]);
    else if (args[i] === '--node-arg' && args[i + 1]) nodeArgs.push(args[(i += 1)] ?? '');
    else throw new Error(USAGE);
  }
  const brokers = process.env.KAFKA_BROKERS;
  const redisUrl = process.env.REDIS_URL;
  if (!brokers || !redisUrl) throw new Error(USAGE);
  const options = { brokers, redisUrl, mentions, hot, instances, nodeArgs };
  if (!compare) {
    const { profileDir } = await drain(options);
    say(`profile: ${printCpuProfileIn(profileDir)}`);
    return;
  }
  const kafka = new Kafka({ clientId: 'profile-ceiling', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const ceilingTopic = `profile-ceiling-${Date.now().toString(36)}`;
  // Its topics are created with one replica (below), so the ceiling's is too.
  const ceiling = await measureRawCeiling(kafka, ceilingTopic, mentions, SINGLE_BROKER_REPLICATION);
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [ceilingTopic] });
  await admin.disconnect();
  console.log(`raw consume ceiling ${Math.round(ceiling.consumePerSecond)}/s`);
  const runs: Array<Drain & { hot: boolean; instances: number }> = [];
  for (const [runHot, runInstances] of [
    [false, 1],
    [true, 1],
    [false, 2],
    [true, 2],
  ] as const) {
    runs.push({
      hot: runHot,
      instances: runInstances,
      ...(await drain({ ...options, hot: runHot, instances: runInstances })),
    });
  }
  const rate = (runHot: boolean, runInstances: number): number =>
    runs.find((run) => run.hot === runHot && run.instances === runInstances)?.perSecond ?? Number.NaN;
  console.log(
    [
      `drain / raw consume: spread ${(rate(false, 1) / ceiling.consumePerSecond).toFixed(3)}, hot ${(rate(true, 1) / ceiling.consumePerSecond).toFixed(3)}`,
      `hot / spread: 1 pipeline ${(rate(true, 1) / rate(false, 1)).toFixed(2)}, 2 pipelines ${(rate(true, 2) / rate(false, 2)).toFixed(2)}`,
      `2 pipelines / 1: spread ${(rate(false, 2) / rate(false, 1)).toFixed(2)}, hot ${(rate(true, 2) / rate(true, 1)).toFixed(2)}`,
      `load average ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' ')}`,
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
