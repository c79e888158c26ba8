import { Kafka, logLevel } from 'kafkajs';
import { loadavg } from 'node:os';
import { SINGLE_BROKER_REPLICATION } from '@tocsin/kafka';
import { printCpuProfileIn } from './app-process';
import { drainBacklog, type Drain, type DrainOptions } from './backlog-drain';
import { measureRawCeiling } from './raw-ceiling';

const USAGE =
  'usage: npx tsx bench/e2e/profile-drain.ts [--mentions N] [--hot] [--instances N] [--compare] [--node-arg ARG]… (KAFKA_BROKERS, REDIS_URL; apps built)';

function say(message: string): void {
  process.stderr.write(`profile-drain: ${message}\n`);
}

/** A drain under `--cpu-prof`, its figures printed with the load average. */
async function drain(options: DrainOptions): Promise<Drain> {
  say(
    `${options.mentions} mentions${options.hot ? ' of one brand' : ''}; ${options.instances} pipeline(s) under --cpu-prof…`,
  );
  const result = await drainBacklog(options);
  console.log(
    `drained ${result.mentions} mentions${result.hot ? ' (one brand)' : ''} with ${result.instances} pipeline(s) in ${result.seconds.toFixed(1)} s: ` +
      `${Math.round(result.perSecond)}/s, ${Math.round(result.cpuMicrosPerMention)} µs of pipeline CPU a mention; ` +
      `load average ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' ')}`,
  );
  return result;
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
  const options = { brokers, redisUrl, mentions, hot, instances, nodeArgs, cpuProfile: true };
  if (!compare) {
    const { profileDir } = await drain(options);
    if (!profileDir) throw new Error('no pipeline wrote a .cpuprofile');
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
  const runs: Drain[] = [];
  for (const [runHot, runInstances] of [
    [false, 1],
    [true, 1],
    [false, 2],
    [true, 2],
  ] as const) {
    runs.push(await drain({ ...options, hot: runHot, instances: runInstances }));
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
