import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureTopics, SINGLE_BROKER_REPLICATION, toRawRecord, type TopicReplication } from '@tocsin/kafka';
import { freePort } from '../../test/support/free-port';
import { cpuSecondsOf } from './app-process';
import { benchMention } from './load-generator';

const ROOT = resolve(__dirname, '../..');

export interface DrainOptions {
  brokers: string;
  redisUrl: string;
  mentions: number;
  /** Every mention on one brand, instead of spread over the bench's brands. */
  hot: boolean;
  instances: number;
  /** Extra environment of the pipelines (e.g. the sentinels of a Redis set). */
  env?: Record<string, string>;
  replication?: TopicReplication;
  /** Runs each pipeline under `node --cpu-prof`, writing into a folder per instance. */
  cpuProfile: boolean;
  nodeArgs?: string[];
  maxSeconds?: number;
  /** Where the run's logs (and profiles) go. */
  logRoot?: string;
}

export interface Drain {
  mentions: number;
  hot: boolean;
  instances: number;
  seconds: number;
  perSecond: number;
  cpuMicrosPerMention: number;
  /** Whether every group committed everything before `maxSeconds`. */
  complete: boolean;
  /** The folder holding the run's first `.cpuprofile`, when profiled. */
  profileDir?: string;
}

const TOPICS = ['mentions.raw', 'mentions.enriched', 'mentions.tallies', 'mentions.dlq', 'alerts.signals'];

/**
 * Fills a run-private mentions.raw with a backlog (keyed as ingest keys it; `hot` puts every
 * mention on one brand), then starts `instances` built pipelines until their three groups have
 * committed everything. Timed from the first commit, so start-up is not in the rate; CPU is the
 * pipelines' own over the same span. Its topics and keys are deleted at the end.
 */
export async function drainBacklog(options: DrainOptions): Promise<Drain> {
  const { brokers, redisUrl, mentions, hot, instances } = options;
  const runId = `drain-${Date.now().toString(36)}`;
  const prefix = `${runId}.`;
  const dir = join(options.logRoot ?? join(ROOT, '.tocsin', 'logs'), runId);
  mkdirSync(dir, { recursive: true });
  const kafka = new Kafka({ clientId: runId, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const children: ChildProcess[] = [];
  try {
    await ensureTopics(
      kafka,
      TOPICS.map((topic) => ({ topic: `${prefix}${topic}`, numPartitions: 6 })),
      options.replication ?? SINGLE_BROKER_REPLICATION,
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

    const startedMs = performance.now();
    for (let instance = 0; instance < instances; instance += 1) {
      const log = openSync(join(dir, `pipeline-${instance}.log`), 'w');
      const profile = options.cpuProfile ? ['--cpu-prof', '--cpu-prof-dir', join(dir, String(instance))] : [];
      children.push(
        spawn(
          process.execPath,
          [...(options.nodeArgs ?? []), ...profile, 'dist/apps/pipeline/apps/pipeline/src/main.js'],
          {
            cwd: ROOT,
            env: {
              ...options.env,
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
    let complete = false;
    const deadline = performance.now() + (options.maxSeconds ?? 300) * 1000;
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
      ) {
        complete = true;
        break;
      }
      await new Promise((done) => setTimeout(done, 200));
    }
    const seconds = (performance.now() - (firstMs || startedMs)) / 1000;
    const drained = complete
      ? mentions
      : mentions - (await lagOf(`${runId}-pipeline-enrichment`, `${prefix}mentions.raw`).catch(() => mentions));
    const cpuS = cpuSeconds() - firstCpuS;
    const drain: Drain = {
      mentions: drained,
      hot,
      instances,
      seconds,
      perSecond: drained / seconds,
      cpuMicrosPerMention: (cpuS * 1e6) / Math.max(1, drained),
      complete,
    };
    await stopAll(children);
    children.length = 0;
    if (options.cpuProfile) {
      // The first instance that wrote one: an instance that left the group early may have written none.
      drain.profileDir = [...Array(instances).keys()]
        .map((instance) => join(dir, String(instance)))
        .find((written) => existsSync(written) && readdirSync(written).some((name) => name.endsWith('.cpuprofile')));
    }
    return drain;
  } finally {
    await stopAll(children);
    await admin.deleteTopics({ topics: TOPICS.map((topic) => `${prefix}${topic}`) }).catch(() => undefined);
    await admin.disconnect();
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${runId}:*`);
    if (keys.length > 0) await redis.unlink(...keys);
    redis.disconnect();
  }
}

async function stopAll(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children
      .filter((child) => child.exitCode === null && child.signalCode === null)
      .map((child) => {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        return exited;
      }),
  );
}
