import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The cluster scripts/test-cluster.sh started: its folder and what the apps need to reach it. */
export const CLUSTER_HOME = required('TOCSIN_HOME');
export const CLUSTER_ENV = {
  KAFKA_BROKERS: required('KAFKA_BROKERS'),
  KAFKA_REPLICATION_FACTOR: required('KAFKA_REPLICATION_FACTOR'),
  KAFKA_MIN_INSYNC_REPLICAS: required('KAFKA_MIN_INSYNC_REPLICAS'),
  REDIS_URL: required('REDIS_URL'),
  REDIS_SENTINELS: required('REDIS_SENTINELS'),
  REDIS_SENTINEL_NAME: required('REDIS_SENTINEL_NAME'),
  REDIS_CONFIRM_REPLICAS: required('REDIS_CONFIRM_REPLICAS'),
};

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the cluster suite with npm run test:cluster`);
  return value;
}

/** SIGKILL, as a machine losing power would: no controlled shutdown, no flush. */
export function killKafkaNode(nodeId: number): void {
  const pid = Number(readFileSync(join(CLUSTER_HOME, 'run', `kafka-${nodeId}.pid`), 'utf8').trim());
  process.kill(pid, 'SIGKILL');
}

/** Runs infra-up.sh again: it starts whatever of the cluster is not running, as an operator would. */
export function restartMissingNodes(): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Set, these would make infra-up.sh use them as external servers instead of starting ours.
  delete env.KAFKA_BROKERS;
  delete env.REDIS_URL;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['scripts/infra-up.sh'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`infra-up.sh exited with ${code}:\n${output.slice(-2000)}`)),
    );
  });
}

/** One figure of the suite; scripts/test-cluster.sh prints them all once jest is done. */
export function reportFigure(name: string, ms: number): void {
  reportLine(`${name}: ${(ms / 1000).toFixed(2)} s`);
}

export function reportLine(line: string): void {
  appendFileSync(join(CLUSTER_HOME, 'failover-times.txt'), `${line}\n`);
}
