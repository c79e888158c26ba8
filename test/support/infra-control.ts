import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { KAFKA_BROKERS, REDIS_URL } from './test-infra';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');

/** The settings scripts/infra-up.sh needs to find (and restart) the Kafka and Redis the tests use. */
function infraEnv(): NodeJS.ProcessEnv {
  const kafkaPort = Number(KAFKA_BROKERS.split(',')[0]?.split(':')[1]);
  const redisPort = Number(new URL(REDIS_URL).port || 6379);
  // Without KAFKA_BROKERS and REDIS_URL, infra-up.sh manages its own servers instead of using those.
  const { KAFKA_BROKERS: _brokers, REDIS_URL: _redis, ...env } = process.env;
  return {
    ...env,
    TOCSIN_KAFKA_PORT: String(kafkaPort),
    TOCSIN_KAFKA_CONTROLLER_PORT: process.env.TOCSIN_KAFKA_CONTROLLER_PORT ?? String(kafkaPort + 1),
    TOCSIN_REDIS_PORT: String(redisPort),
  };
}

function pidOf(service: 'kafka' | 'redis'): number {
  const home = process.env.TOCSIN_HOME ?? resolve(ROOT, '.tocsin');
  const file = resolve(home, 'run', `${service}.pid`);
  try {
    return Number(readFileSync(file, 'utf8').trim());
  } catch (error) {
    throw new Error(`${service} was not started by scripts/infra-up.sh (no ${file}): the fault suite restarts it`, {
      cause: error,
    });
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`process ${pid} still alive after ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

async function infraUp(): Promise<void> {
  await run('bash', ['scripts/infra-up.sh'], { cwd: ROOT, env: infraEnv() });
}

/** Stops a service as its operator would (SIGTERM: Redis writes its AOF, Kafka its logs), waits `downMs`, starts it again. */
export async function restartService(service: 'kafka' | 'redis', downMs: number): Promise<void> {
  const pid = pidOf(service);
  process.kill(pid, 'SIGTERM');
  await waitGone(pid, 60_000);
  await new Promise((done) => setTimeout(done, downMs));
  await infraUp();
}
