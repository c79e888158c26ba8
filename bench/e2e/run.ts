import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { randomBytes } from 'node:crypto';
import { freePort } from '../../test/support/free-port';
import { AlertActions } from '@tocsin/alert-actions';
import { systemClock } from '@tocsin/domain';
import { PlanSource } from '@tocsin/plan-source';
import type { TopicReplication } from '@tocsin/kafka';
import { AlertStore, IngestKeyStore, OutboxStore, RedisKeys, SilenceStore } from '@tocsin/redis';
import { waitHealthy } from './app-process';
import { PageReceiver, PROBE_BRAND, runCrisisProbes } from './crisis-probe';
import { signInNewAccount, type SignedInClient } from '../../test/support/sessions';
import { IngestClient, percentile, runClosedLoop, runOpenLoop } from './load-generator';
import { drainBacklog, type Drain } from './backlog-drain';
import { agePercentileMs, batchPercentileMs, scrapeMetrics, type ScrapedMetrics } from './metrics-scrape';
import { ProcessSampler, type ProcessUsage } from './process-sampler';
import { measureRawCeiling, type RawCeiling } from './raw-ceiling';

const USAGE = 'usage: npm run -s bench:e2e -- [--quick] [--no-build] [--out file.json]';
const ROOT = resolve(__dirname, '../..');
const APPS = ['ingest', 'pipeline', 'gateway', 'alerter'] as const;
type AppName = (typeof APPS)[number];

interface Options {
  quick: boolean;
  build: boolean;
  out?: string;
}

function readArgs(args: readonly string[]): Options | undefined {
  const options: Options = { quick: false, build: true };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '--') continue;
    if (arg === '--quick') options.quick = true;
    else if (arg === '--no-build') options.build = false;
    else if (arg === '--out' && args[i + 1]) options.out = args[(i += 1)];
    else return undefined;
  }
  return options;
}

/** Sizes of each phase: bounded in count and in time whatever the speed of the box. */
function sizesOf(quick: boolean) {
  return quick
    ? {
        raw: 50_000,
        batched: 50_000,
        batchedMaxS: 20,
        singleS: 8,
        rates: [1_000, 3_000],
        rateS: 8,
        idleS: 5,
        drainMaxS: 90,
        hotDrain: 30_000,
        hotRounds: 1,
      }
    : {
        raw: 200_000,
        batched: 150_000,
        batchedMaxS: 45,
        singleS: 20,
        rates: [1_000, 2_000, 5_000, 10_000],
        rateS: 20,
        idleS: 15,
        drainMaxS: 240,
        hotDrain: 100_000,
        hotRounds: 2,
      };
}

function say(message: string): void {
  process.stderr.write(`bench:e2e: ${message}\n`);
}

function round(value: number, digits = 0): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/**
 * infra-up.sh starts or reuses Kafka and Redis on the ports of the environment and writes what the
 * apps need to reach them (on a cluster also the replication settings and the Sentinels).
 */
function infraUp(): {
  brokers: string;
  redisUrl: string;
  replication: TopicReplication;
  appEnv: Record<string, string>;
} {
  const up = spawnSync('bash', ['scripts/infra-up.sh'], {
    cwd: ROOT,
    env: { ...process.env, TOCSIN_SKIP_CHROMIUM: '1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (up.status !== 0) throw new Error(`scripts/infra-up.sh failed with status ${String(up.status)}`);
  const envFile = join(infraHome(), 'env');
  const appEnv = Object.fromEntries(
    readFileSync(envFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const brokers = appEnv.KAFKA_BROKERS;
  const redisUrl = appEnv.REDIS_URL;
  if (!brokers || !redisUrl) throw new Error(`${envFile} names no KAFKA_BROKERS or REDIS_URL`);
  const replication = {
    factor: Number(appEnv.KAFKA_REPLICATION_FACTOR ?? '1'),
    minInsyncReplicas: Number(appEnv.KAFKA_MIN_INSYNC_REPLICAS ?? '1'),
    allowUnderReplicated: false,
  };
  if (![replication.factor, replication.minInsyncReplicas].every((n) => Number.isInteger(n) && n >= 1)) {
    throw new Error(`${envFile}: KAFKA_REPLICATION_FACTOR and KAFKA_MIN_INSYNC_REPLICAS must be positive integers`);
  }
  return { brokers, redisUrl, replication, appEnv };
}

function infraHome(): string {
  return process.env.TOCSIN_HOME ?? join(ROOT, '.tocsin');
}

/** Every Kafka node and Redis process infra-up.sh started (one of each, or a cluster's). */
function infraPids(): Map<string, number> {
  const run = join(infraHome(), 'run');
  const pids = new Map<string, number>();
  const files = existsSync(run) ? readdirSync(run) : [];
  for (const file of files.filter((name) => /^(kafka|redis).*\.pid$/.test(name))) {
    const pid = Number(readFileSyncOrEmpty(join(run, file)).trim());
    if (pid > 0) pids.set(file.slice(0, -'.pid'.length), pid);
  }
  return pids;
}

function readFileSyncOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

class AppProcesses {
  private readonly children = new Map<AppName, ChildProcess>();

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly logDir: string,
  ) {}

  start(name: AppName, extra: NodeJS.ProcessEnv): void {
    const log = openSync(join(this.logDir, `${name}.log`), 'w');
    const child = spawn(process.execPath, [`dist/apps/${name}/apps/${name}/src/main.js`], {
      cwd: ROOT,
      env: { ...this.env, ...extra },
      stdio: ['ignore', log, log],
    });
    child.once('exit', (code, signal) => {
      if (this.children.get(name) === child) {
        say(`${name} exited (${String(code ?? signal)}); its log: ${join(this.logDir, `${name}.log`)}`);
        this.children.delete(name);
      }
    });
    this.children.set(name, child);
  }

  pids(): Map<string, number> {
    const pids = new Map<string, number>();
    for (const [name, child] of this.children) if (child.pid) pids.set(name, child.pid);
    return pids;
  }

  async stopAll(): Promise<void> {
    const stopping = [...this.children.entries()].map(([name, child]) => {
      this.children.delete(name);
      return new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(kill);
          done();
        });
        child.kill('SIGTERM');
      });
    });
    await Promise.all(stopping);
  }
}

function percentilesBetween(
  percentileMs: (before: ScrapedMetrics, after: ScrapedMetrics, group: string, p: number) => number,
  before: ScrapedMetrics,
  after: ScrapedMetrics,
  group: string,
): { p50: number; p99: number } {
  return { p50: percentileMs(before, after, group, 50), p99: percentileMs(before, after, group, 99) };
}

/** Records of `topic` not yet committed by `groupId`, over all partitions. */
async function groupLag(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [ends, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const committedBy = new Map(
      (committed[0]?.partitions ?? []).map((partition) => [partition.partition, Number(partition.offset)]),
    );
    return ends.reduce((lag, end) => {
      const done = committedBy.get(end.partition) ?? -1;
      return lag + Number(end.high) - (done < 0 ? Number(end.low) : done);
    }, 0);
  } finally {
    await admin.disconnect();
  }
}

/** Records every consumer group of the run still has to read, over every topic it has committed on. */
async function runLag(kafka: Kafka, runId: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const reads: Array<{ groupId: string; topic: string }> = [];
  try {
    const { groups } = await admin.listGroups();
    for (const { groupId } of groups.filter((group) => group.groupId.startsWith(`${runId}-`))) {
      for (const { topic } of await admin.fetchOffsets({ groupId })) reads.push({ groupId, topic });
    }
  } finally {
    await admin.disconnect();
  }
  let lag = 0;
  for (const { groupId, topic } of reads) lag += await groupLag(kafka, groupId, topic);
  return lag;
}

async function redisFootprint(redis: Redis, prefix: string): Promise<{ keys: number; usedBytes: number }> {
  let keys = 0;
  let cursor = '0';
  do {
    const [nextCursor, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    keys += found.length;
    cursor = nextCursor;
  } while (cursor !== '0');
  const info = await redis.info('memory');
  return { keys, usedBytes: Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0) };
}

async function deleteRunKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [nextCursor, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (found.length > 0) await redis.unlink(...found);
    cursor = nextCursor;
  } while (cursor !== '0');
}

async function connectWall(url: string, session: SignedInClient, brandIds: string[]): Promise<Socket> {
  const socket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie: session.cookie },
  });
  await new Promise<void>((done, fail) => {
    socket.once('connect', () => done());
    socket.once('connect_error', (error) => fail(new Error(`socket to ${url} failed: ${error.message}`)));
  });
  const answer = (await socket.timeout(10_000).emitWithAck('subscribe', { brandIds })) as { ok: boolean };
  if (!answer.ok) throw new Error(`subscribe to ${brandIds.join(', ')} refused: ${JSON.stringify(answer)}`);
  return socket;
}

interface SustainedRun {
  offeredPerSecond: number;
  acceptedPerSecond: number;
  failed: number;
  skipped: number;
  wallPerSecond: number;
  wallShare: number;
  sendToWallMs: { p50: number; p95: number; p99: number };
  /**
   * send→wall cut at the pipeline's `enrichedAt` (one clock, the box's): up to enrichment, and
   * from it through the transaction's commit and the gateway to the wall.
   */
  sendToEnrichedMs: { p50: number; p99: number };
  enrichedToWallMs: { p50: number; p99: number };
  sendTo202Ms: { p50: number; p99: number };
  /** Summed over partitions, from the pipeline's tocsin_consumer_lag_records. */
  lagAfter: { raw: number; enriched: number };
  /** Bucket bound of the p99 record age (append → handling) from tocsin_record_age_seconds. */
  recordAgeP99Ms: { enrichment: number; signals: number; alertHits: number };
  /**
   * The wall's path stage by stage, p50/p99 bucket bounds from the apps' /metrics: the
   * enrichment's partition batches (handling and transaction), then the age of an enriched record
   * when the gateway's wall consumer handles it (from its send inside the transaction, so the
   * commit and the gateway's fetch are in it), then that consumer's batches (Redis, sockets, commit).
   */
  wallStagesMs: {
    enrichmentBatch: { p50: number; p99: number };
    enrichedAgeAtGateway: { p50: number; p99: number };
    gatewayBatch: { p50: number; p99: number };
  };
  /** Crisis mentions sent one at a time meanwhile, POST → page at a loopback webhook. */
  crisis: { sent: number; paged: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** Pages delivered during the run, from the alerter's tocsin_pages_total. */
  pagesDelivered: number;
  usage: Record<string, ProcessUsage>;
}

export interface BenchReport {
  at: string;
  mode: 'quick' | 'full';
  loadAverage: { start: number[]; end: number[] };
  raw: RawCeiling;
  batchedIngest: {
    perSecond: number;
    ratio: number;
    sendTo202Ms: { p50: number; p99: number };
    usage: Record<string, ProcessUsage>;
  };
  singleIngest: {
    perSecond: number;
    ratio: number;
    sendTo202Ms: { p50: number; p99: number };
    usage: Record<string, ProcessUsage>;
  };
  drain: {
    backlog: number;
    seconds: number;
    perSecond: number;
    ratio: number;
    startupSeconds: number;
    usage: Record<string, ProcessUsage>;
  };
  redis: { keysPer100k: number; bytesPer100k: number; keys: number; mentions: number };
  /** Every app up, the wall connected, no traffic: what each process costs before any mention. */
  idle: { seconds: number; usage: Record<string, ProcessUsage> };
  hotBrand: ReturnType<typeof hotBrandFigures>;
  sustained: SustainedRun[];
}

async function main(): Promise<void> {
  const options = readArgs(process.argv.slice(2));
  if (!options) {
    console.error(USAGE);
    process.exit(2);
  }
  const sizes = sizesOf(options.quick);
  const loadStart = loadavg().map((value) => round(value, 2));
  const { brokers, redisUrl, replication, appEnv } = infraUp();
  if (options.build) {
    say(`building ${APPS.join(', ')}…`);
    for (const app of APPS) {
      const built = spawnSync('npx', ['nest', 'build', app], { cwd: ROOT, stdio: 'inherit' });
      if (built.status !== 0) throw new Error(`nest build ${app} failed`);
    }
  }
  const runId = `bench-${Date.now().toString(36)}`;
  const topicPrefix = `${runId}.`;
  const keyPrefix = `${runId}:`;
  const logDir = join(infraHome(), 'logs', runId);
  mkdirSync(logDir, { recursive: true });
  const kafka = new Kafka({ clientId: runId, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const redis = new Redis(redisUrl);
  const [ingestPort, pipelinePort, gatewayPort, alerterPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const pages = new PageReceiver();
  const pageUrl = await pages.listen();
  const apps = new AppProcesses(
    {
      ...appEnv,
      PATH: process.env.PATH,
      // Loopback pages over plain http, which production refuses.
      NODE_ENV: 'test',
      KAFKA_TOPIC_PREFIX: topicPrefix,
      REDIS_KEY_PREFIX: keyPrefix,
      PIPELINE_GROUP_ID: `${runId}-pipeline`,
      GATEWAY_GROUP_ID: `${runId}-gateway`,
      ...(process.env.GATEWAY_PARTITIONS_CONCURRENTLY
        ? { GATEWAY_PARTITIONS_CONCURRENTLY: process.env.GATEWAY_PARTITIONS_CONCURRENTLY }
        : {}),
      ALERTER_GROUP_ID: `${runId}-alerter`,
      SESSION_SECRET: randomBytes(36).toString('base64'),
      LOG_LEVEL: 'warn',
    },
    logDir,
  );
  // This process is the load generator (HTTP clients, wall sockets, probes): its CPU is part of the bill.
  const sampler = new ProcessSampler(() => new Map([...apps.pids(), ...infraPids(), ['load-generator', process.pid]]));
  const rawTopic = `${topicPrefix}mentions.raw`;
  const enrichedTopic = `${topicPrefix}mentions.enriched`;
  try {
    say(`raw kafkajs ceiling with ${sizes.raw} records…`);
    const raw = await measureRawCeiling(kafka, `${runId}.raw-ceiling`, sizes.raw, replication);

    apps.start('ingest', { INGEST_HOST: '127.0.0.1', INGEST_PORT: String(ingestPort) });
    await waitHealthy(`http://127.0.0.1:${ingestPort}/health`, 60_000);
    const ingestUrl = new URL(`http://127.0.0.1:${ingestPort}`);
    const { key: ingestKey } = await new IngestKeyStore(redis, new RedisKeys(keyPrefix)).create(
      'bench',
      null,
      Date.now(),
    );

    say(`batched ingest: ${sizes.batched} mentions in arrays of 500 over 4 connections…`);
    const batchedClient = new IngestClient(ingestUrl, ingestKey, 4);
    // A short warm-up so the JIT and the producer's connections are not in the figure.
    await runClosedLoop(batchedClient, {
      connections: 4,
      perRequest: 500,
      total: 4_000,
      maxSeconds: 10,
      idPrefix: `${runId}-w`,
    });
    sampler.begin();
    const batched = await runClosedLoop(batchedClient, {
      connections: 4,
      perRequest: 500,
      total: sizes.batched,
      maxSeconds: sizes.batchedMaxS,
      idPrefix: `${runId}-b`,
    });
    const batchedUsage = sampler.end();
    batchedClient.close();

    say(`single-mention ingest: 32 connections for ${sizes.singleS}s…`);
    const singleClient = new IngestClient(ingestUrl, ingestKey, 32);
    sampler.begin();
    const single = await runClosedLoop(singleClient, {
      connections: 32,
      perRequest: 1,
      total: Number.MAX_SAFE_INTEGER,
      maxSeconds: sizes.singleS,
      idPrefix: `${runId}-s`,
    });
    const singleUsage = sampler.end();
    singleClient.close();

    const backlog = 4_000 + batched.accepted + single.accepted;
    const redisBefore = await redisFootprint(redis, keyPrefix);
    say(`pipeline draining a backlog of ${backlog} mentions…`);
    const pipelineStartedMs = performance.now();
    apps.start('pipeline', { PIPELINE_HEALTH_HOST: '127.0.0.1', PIPELINE_HEALTH_PORT: String(pipelinePort) });
    sampler.begin();
    let firstProgressMs = 0;
    let drainedMs = 0;
    const drainDeadline = performance.now() + sizes.drainMaxS * 1000;
    while (performance.now() < drainDeadline) {
      const lag = await groupLag(kafka, `${runId}-pipeline-enrichment`, rawTopic).catch(() => backlog);
      if (firstProgressMs === 0 && lag < backlog) firstProgressMs = performance.now();
      if (lag === 0) {
        const [enrichedLag, talliesLag] = await Promise.all([
          groupLag(kafka, `${runId}-pipeline-triggers`, enrichedTopic).catch(() => 1),
          groupLag(kafka, `${runId}-pipeline-signals`, `${topicPrefix}mentions.tallies`).catch(() => 1),
        ]);
        if (enrichedLag + talliesLag === 0) {
          drainedMs = performance.now();
          break;
        }
      }
      await new Promise((done) => setTimeout(done, 200));
    }
    const drainUsage = sampler.end();
    const drainEnd = drainedMs || performance.now();
    const drainedRecords = drainedMs
      ? backlog
      : backlog - (await groupLag(kafka, `${runId}-pipeline-enrichment`, rawTopic));
    const drainSeconds = (drainEnd - (firstProgressMs || pipelineStartedMs)) / 1000;
    const redisAfter = await redisFootprint(redis, keyPrefix);

    // The wall starts where the drain ended: delivering the backlog first would leave the sustained
    // phases' mentions, the ones timed, behind it.
    const admin = kafka.admin();
    await admin.connect();
    // Explicit offsets: kafkajs's resetOffsets commits -1, which a consumer reading from the
    // beginning takes for no offset at all.
    const ends = await admin.fetchTopicOffsets(enrichedTopic);
    await admin.setOffsets({
      groupId: `${runId}-gateway-mentions`,
      topic: enrichedTopic,
      partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
    });
    await admin.disconnect();
    apps.start('gateway', { GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: String(gatewayPort) });
    apps.start('alerter', {
      ALERTER_HEALTH_HOST: '127.0.0.1',
      ALERTER_HEALTH_PORT: String(alerterPort),
      ALERT_WEBHOOK_URL: pageUrl,
    });
    await waitHealthy(`http://127.0.0.1:${gatewayPort}/health`, 60_000);
    await waitHealthy(`http://127.0.0.1:${alerterPort}/health`, 60_000);
    // What an on-call person does once paged, here so the next crisis probe opens a new alert.
    const plan = new PlanSource('config/crisis-plan.example.yaml', { log: () => undefined, warn: () => undefined });
    await plan.start({ watch: false });
    const runKeys = new RedisKeys(keyPrefix);
    const probeAlerts = new AlertStore(redis, runKeys, new OutboxStore(redis, runKeys));
    const probeActions = new AlertActions(
      probeAlerts,
      new SilenceStore(redis, runKeys),
      plan,
      systemClock,
      { consoleUrl: 'http://127.0.0.1/console.html' },
      { log: () => undefined },
    );
    // The example plan groups alerts into incidents: a probe's alert that joins a live incident
    // pages only if it raises the incident's level, so probes are crisis-level mentions and every
    // live incident of the brand is resolved after each one (background alerts included).
    const resolveProbeAlerts = async (): Promise<void> => {
      for (const incident of await probeAlerts.listLiveIncidents(PROBE_BRAND)) {
        await probeActions.resolveIncident(incident.id, probeResponder, 'bench probe');
      }
      for (const alert of await probeAlerts.listLive(PROBE_BRAND)) {
        await probeActions.resolve(alert.id, probeResponder, 'bench probe');
      }
    };
    // The on-call CM of the example plan, acting as the gateway's sign-in would make them.
    const probeResponder = { username: 'bench-cm', personId: 'camille', role: 'cm' as const, brandIds: [PROBE_BRAND] };
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const viewer = await signInNewAccount({ redis, keyPrefix }, gatewayUrl, {
      username: 'bench-wall',
      personId: 'camille',
      role: 'viewer',
      brandIds: ['voltaway', 'fleurie'],
    });
    const wall = await connectWall(gatewayUrl, viewer, ['voltaway', 'fleurie']);
    await resolveProbeAlerts();
    const sentAt = new Map<string, number>();
    let wallLatencies: number[] = [];
    let untilEnriched: number[] = [];
    let fromEnriched: number[] = [];
    wall.on('mention.created', (mention: { id: string; enrichedAt: string }) => {
      const sentAtMs = sentAt.get(mention.id);
      if (sentAtMs === undefined) return;
      sentAt.delete(mention.id);
      const nowMs = Date.now();
      const enrichedAtMs = Date.parse(mention.enrichedAt);
      wallLatencies.push(nowMs - sentAtMs);
      untilEnriched.push(enrichedAtMs - sentAtMs);
      fromEnriched.push(nowMs - enrichedAtMs);
    });
    // Idle means nothing left to read: the gateway and the alerter start behind the drained backlog.
    const settleDeadline = performance.now() + sizes.drainMaxS * 1000;
    while ((await runLag(kafka, runId)) > 0 && performance.now() < settleDeadline) {
      await new Promise((done) => setTimeout(done, 500));
    }
    say(`idle: every app up, nothing left to read, no traffic, for ${sizes.idleS}s…`);
    sampler.begin();
    await new Promise((done) => setTimeout(done, sizes.idleS * 1000));
    const idleUsage = sampler.end();
    const sustained: SustainedRun[] = [];
    const pipelineMetricsUrl = `http://127.0.0.1:${pipelinePort}/metrics`;
    const alerterMetricsUrl = `http://127.0.0.1:${alerterPort}/metrics`;
    const gatewayMetricsUrl = `http://127.0.0.1:${gatewayPort}/metrics`;
    const sustainedClient = new IngestClient(ingestUrl, ingestKey, 4);
    const probeClient = new IngestClient(ingestUrl, ingestKey, 1);
    for (const rate of sizes.rates) {
      say(`sustained: ${rate}/s offered for ${sizes.rateS}s…`);
      sentAt.clear();
      wallLatencies = [];
      untilEnriched = [];
      fromEnriched = [];
      const metricsBefore = await scrapeMetrics(pipelineMetricsUrl);
      const alerterBefore = await scrapeMetrics(alerterMetricsUrl);
      const gatewayBefore = await scrapeMetrics(gatewayMetricsUrl);
      sampler.begin();
      const [offered, probes] = await Promise.all([
        runOpenLoop(sustainedClient, {
          ratePerSecond: rate,
          seconds: sizes.rateS,
          connections: 4,
          idPrefix: `${runId}-r${rate}`,
          onSent: (id, sentAtMs) => sentAt.set(id, sentAtMs),
        }),
        runCrisisProbes(probeClient, pages, {
          seconds: sizes.rateS,
          idPrefix: `${runId}-p${rate}`,
          pageTimeoutMs: 10_000,
          resolveProbeAlerts,
        }),
      ]);
      const usage = sampler.end();
      const metricsAfter = await scrapeMetrics(pipelineMetricsUrl);
      const alerterAfter = await scrapeMetrics(alerterMetricsUrl);
      const gatewayAfter = await scrapeMetrics(gatewayMetricsUrl);
      const lagAfter = {
        raw: metricsAfter.lagByGroup.get(`${runId}-pipeline-enrichment`) ?? Number.NaN,
        enriched: metricsAfter.lagByGroup.get(`${runId}-pipeline-triggers`) ?? Number.NaN,
      };
      const recordAgeP99Ms = {
        enrichment: agePercentileMs(metricsBefore, metricsAfter, `${runId}-pipeline-enrichment`, 99),
        signals: agePercentileMs(metricsBefore, metricsAfter, `${runId}-pipeline-triggers`, 99),
        alertHits: agePercentileMs(alerterBefore, alerterAfter, `${runId}-alerter-hits`, 99),
      };
      // Mentions still on their way get a few seconds to arrive; later ones count as missing.
      const graceDeadline = Date.now() + 5_000;
      while (sentAt.size > offered.skipped + offered.failed && Date.now() < graceDeadline) {
        await new Promise((done) => setTimeout(done, 100));
      }
      sustained.push({
        offeredPerSecond: rate,
        acceptedPerSecond: round(offered.accepted / offered.seconds),
        failed: offered.failed,
        skipped: offered.skipped,
        wallPerSecond: round(wallLatencies.length / offered.seconds),
        wallShare: round(wallLatencies.length / Math.max(1, offered.accepted), 3),
        sendToWallMs: {
          p50: round(percentile(wallLatencies, 50)),
          p95: round(percentile(wallLatencies, 95)),
          p99: round(percentile(wallLatencies, 99)),
        },
        sendToEnrichedMs: { p50: round(percentile(untilEnriched, 50)), p99: round(percentile(untilEnriched, 99)) },
        enrichedToWallMs: { p50: round(percentile(fromEnriched, 50)), p99: round(percentile(fromEnriched, 99)) },
        sendTo202Ms: {
          p50: round(percentile(offered.latenciesMs, 50), 1),
          p99: round(percentile(offered.latenciesMs, 99), 1),
        },
        lagAfter,
        recordAgeP99Ms,
        wallStagesMs: {
          enrichmentBatch: percentilesBetween(
            batchPercentileMs,
            metricsBefore,
            metricsAfter,
            `${runId}-pipeline-enrichment`,
          ),
          enrichedAgeAtGateway: percentilesBetween(
            agePercentileMs,
            gatewayBefore,
            gatewayAfter,
            `${runId}-gateway-mentions`,
          ),
          gatewayBatch: percentilesBetween(batchPercentileMs, gatewayBefore, gatewayAfter, `${runId}-gateway-mentions`),
        },
        crisis: {
          sent: probes.sent,
          paged: probes.paged,
          p50Ms: round(percentile(probes.latenciesMs, 50)),
          p99Ms: round(percentile(probes.latenciesMs, 99)),
          maxMs: round(percentile(probes.latenciesMs, 100)),
        },
        pagesDelivered:
          (alerterAfter.pagesByOutcome.get('delivered') ?? 0) - (alerterBefore.pagesByOutcome.get('delivered') ?? 0),
        usage,
      });
      // The next rate starts from an empty pipeline, or its latencies would carry this one's backlog.
      const settleDeadline = Date.now() + 30_000;
      while (Date.now() < settleDeadline && (await groupLag(kafka, `${runId}-pipeline-triggers`, enrichedTopic)) > 0) {
        await new Promise((done) => setTimeout(done, 250));
      }
    }
    sustainedClient.close();
    probeClient.close();
    plan.stop();
    wall.close();
    await apps.stopAll();

    // Spread and hot drains alternated, so a change in the box's load falls on both.
    const hotDrains: Drain[] = [];
    for (let round = 0; round < sizes.hotRounds; round += 1) {
      for (const hot of [false, true]) {
        say(`pipeline draining ${sizes.hotDrain} mentions ${hot ? 'of one brand' : 'spread over brands'}…`);
        hotDrains.push(
          await drainBacklog({
            brokers,
            redisUrl,
            mentions: sizes.hotDrain,
            hot,
            instances: 1,
            env: appEnv,
            replication,
            cpuProfile: false,
            maxSeconds: sizes.drainMaxS,
            logRoot: logDir,
          }),
        );
      }
    }

    const report: BenchReport = {
      at: new Date().toISOString(),
      mode: options.quick ? 'quick' : 'full',
      loadAverage: { start: loadStart, end: loadavg().map((value) => round(value, 2)) },
      raw: {
        ...raw,
        producePerSecond: round(raw.producePerSecond),
        consumePerSecond: round(raw.consumePerSecond),
        produceSeconds: round(raw.produceSeconds, 2),
        consumeSeconds: round(raw.consumeSeconds, 2),
      },
      batchedIngest: { ...ingestFigures(batched, raw.producePerSecond), usage: batchedUsage },
      singleIngest: { ...ingestFigures(single, raw.producePerSecond), usage: singleUsage },
      drain: {
        backlog: drainedRecords,
        seconds: round(drainSeconds, 2),
        perSecond: round(drainedRecords / drainSeconds),
        ratio: round(drainedRecords / drainSeconds / raw.consumePerSecond, 3),
        startupSeconds: round(((firstProgressMs || drainEnd) - pipelineStartedMs) / 1000, 1),
        usage: drainUsage,
      },
      redis: {
        mentions: drainedRecords,
        keys: redisAfter.keys,
        keysPer100k: round(((redisAfter.keys - redisBefore.keys) * 100_000) / Math.max(1, drainedRecords)),
        bytesPer100k: round(((redisAfter.usedBytes - redisBefore.usedBytes) * 100_000) / Math.max(1, drainedRecords)),
      },
      idle: { seconds: sizes.idleS, usage: idleUsage },
      sustained,
      hotBrand: hotBrandFigures(hotDrains),
    };
    printReport(report);
    const out = options.out ?? join(logDir, 'report.json');
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    say(`JSON written to ${out}`);
  } finally {
    await apps.stopAll();
    await pages.close();
    await cleanUp(kafka, redis, runId, keyPrefix);
    redis.disconnect();
  }
}

/** Drains of one brand against drains spread over brands: the median rate of each, and their ratio. */
function hotBrandFigures(drains: readonly Drain[]) {
  const median = (hot: boolean): number =>
    percentile(
      drains.filter((drain) => drain.hot === hot && drain.complete).map((drain) => drain.perSecond),
      50,
    );
  return {
    mentions: drains[0]?.mentions ?? 0,
    drains: drains.map((drain) => ({
      hot: drain.hot,
      complete: drain.complete,
      perSecond: round(drain.perSecond),
      cpuMicrosPerMention: round(drain.cpuMicrosPerMention),
    })),
    spreadPerSecond: round(median(false)),
    hotPerSecond: round(median(true)),
    hotOverSpread: round(median(true) / median(false), 2),
  };
}

/** Accepted mentions per second, their ratio to the raw produce ceiling, and send → 202 times. */
function ingestFigures(run: { accepted: number; seconds: number; latenciesMs: number[] }, rawProducePerSecond: number) {
  const perSecond = run.accepted / run.seconds;
  return {
    perSecond: round(perSecond),
    ratio: round(perSecond / rawProducePerSecond, 3),
    sendTo202Ms: { p50: round(percentile(run.latenciesMs, 50), 1), p99: round(percentile(run.latenciesMs, 99), 1) },
  };
}

/** The run's topics and keys go away with it, so repeated runs do not fill the broker or Redis. */
async function cleanUp(kafka: Kafka, redis: Redis, runId: string, keyPrefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${runId}.`));
  if (topics.length > 0) await admin.deleteTopics({ topics });
  await admin.disconnect();
  await deleteRunKeys(redis, keyPrefix);
}

function usageText(usage: Record<string, ProcessUsage>): string {
  return Object.entries(usage)
    .map(([name, { cpuPercent, rssMiB }]) => `${name} ${cpuPercent}% ${Math.round(rssMiB)}M`)
    .join(', ');
}

function printReport(report: BenchReport): void {
  const rows: Array<[string, string, string, string]> = [
    ['figure', 'Tocsin', 'same-run reference', 'ratio'],
    ['raw kafkajs produce (500/batch, 4 senders, acks=all)', '—', `${report.raw.producePerSecond}/s`, '1'],
    ['raw kafkajs consume (6 partitions concurrently)', '—', `${report.raw.consumePerSecond}/s`, '1'],
    [
      'ingest, JSON arrays of 500, 4 connections',
      `${report.batchedIngest.perSecond}/s`,
      'raw produce',
      `${report.batchedIngest.ratio}`,
    ],
    [
      'ingest, one mention per request, 32 connections',
      `${report.singleIngest.perSecond}/s`,
      'raw produce',
      `${report.singleIngest.ratio}`,
    ],
    [
      `pipeline draining ${report.drain.backlog} mentions`,
      `${report.drain.perSecond}/s`,
      'raw consume',
      `${report.drain.ratio}`,
    ],
    [
      `one hot brand: drain of ${report.hotBrand.mentions} mentions of one brand (median of ${report.hotBrand.drains.length / 2})`,
      `${report.hotBrand.hotPerSecond}/s`,
      `same drain spread over brands: ${report.hotBrand.spreadPerSecond}/s`,
      `${report.hotBrand.hotOverSpread}`,
    ],
    [
      'Redis per 100k mentions',
      `${report.redis.keysPer100k} keys, ${round(report.redis.bytesPer100k / 1048576, 1)} MiB`,
      '—',
      '—',
    ],
    ...report.sustained.map((run): [string, string, string, string] => [
      `sustained ${run.offeredPerSecond}/s offered: accepted, on wall, send→wall p50/p95/p99`,
      `${run.acceptedPerSecond}/s, ${run.wallPerSecond}/s (${Math.round(run.wallShare * 100)} %), ${run.sendToWallMs.p50}/${run.sendToWallMs.p95}/${run.sendToWallMs.p99} ms`,
      `skipped ${run.skipped}, failed ${run.failed}, lag after ${run.lagAfter.raw}+${run.lagAfter.enriched}`,
      `${round(run.acceptedPerSecond / report.raw.producePerSecond, 3)}`,
    ]),
  ];
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  const line = (row: readonly string[]): string =>
    `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(rows[0] ?? []));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows.slice(1)) console.log(line(row));
  console.log('');
  console.log(`CPU (% of one core) and RSS per process:`);
  console.log(`  batched ingest: ${usageText(report.batchedIngest.usage)}`);
  console.log(`  single ingest:  ${usageText(report.singleIngest.usage)}`);
  console.log(
    `  drain:          ${usageText(report.drain.usage)} (pipeline start-up ${report.drain.startupSeconds}s not counted)`,
  );
  console.log(`  idle (${report.idle.seconds}s): ${usageText(report.idle.usage)}`);
  for (const run of report.sustained) console.log(`  ${run.offeredPerSecond}/s: ${usageText(run.usage)}`);
  console.log('record age p99 (append → handling, bucket bound, from the pipeline and alerter /metrics):');
  for (const run of report.sustained) {
    console.log(
      `  ${run.offeredPerSecond}/s: enrichment ≤ ${run.recordAgeP99Ms.enrichment} ms, signals ≤ ${run.recordAgeP99Ms.signals} ms, alert hits ≤ ${run.recordAgeP99Ms.alertHits} ms`,
    );
  }
  console.log('send→wall cut at the enrichment (its enrichedAt), p50/p99:');
  for (const run of report.sustained) {
    console.log(
      `  ${run.offeredPerSecond}/s: send → enriched ${run.sendToEnrichedMs.p50}/${run.sendToEnrichedMs.p99} ms, enriched → wall ${run.enrichedToWallMs.p50}/${run.enrichedToWallMs.p99} ms`,
    );
  }
  console.log('the wall path stage by stage, p50/p99 bucket bounds (pipeline and gateway /metrics):');
  for (const run of report.sustained) {
    const { enrichmentBatch, enrichedAgeAtGateway, gatewayBatch } = run.wallStagesMs;
    console.log(
      `  ${run.offeredPerSecond}/s: enrichment batch ≤ ${enrichmentBatch.p50}/${enrichmentBatch.p99} ms, ` +
        `enriched record's age at the gateway ≤ ${enrichedAgeAtGateway.p50}/${enrichedAgeAtGateway.p99} ms, ` +
        `gateway wall batch ≤ ${gatewayBatch.p50}/${gatewayBatch.p99} ms`,
    );
  }
  console.log('crisis mention → page at a loopback webhook, one probe at a time under the background load:');
  for (const run of report.sustained) {
    const { crisis } = run;
    console.log(
      `  ${run.offeredPerSecond}/s: ${crisis.paged} of ${crisis.sent} paged, p50 ${crisis.p50Ms} ms, p99 ${crisis.p99Ms} ms, max ${crisis.maxMs} ms; pages delivered (alerter /metrics) ${run.pagesDelivered}`,
    );
  }
  console.log(
    `send→202: batched p50 ${report.batchedIngest.sendTo202Ms.p50} ms p99 ${report.batchedIngest.sendTo202Ms.p99} ms; single p50 ${report.singleIngest.sendTo202Ms.p50} ms p99 ${report.singleIngest.sendTo202Ms.p99} ms`,
  );
  console.log(
    `load average (1, 5, 15 min): start ${report.loadAverage.start.join(' ')}, end ${report.loadAverage.end.join(' ')} — a shared box: compare ratios, not absolutes`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
