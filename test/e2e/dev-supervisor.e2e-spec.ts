import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../support/free-port';
import { TestRun } from '../support/test-infra';
import { waitUntil } from '../support/wait-for';

const ROOT = resolve(__dirname, '../..');
const INGEST = resolve(ROOT, 'dist/apps/ingest/apps/ingest/src/main.js');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `npm run dev` runs each app under scripts/supervise.sh; here the built ingest, on real Kafka. */
describe('scripts/supervise.sh', () => {
  const run = new TestRun();
  const logDir = mkdtempSync(join(tmpdir(), 'tocsin-supervise-'));
  let supervisor: ChildProcessWithoutNullStreams | undefined;

  beforeAll(async () => {
    if (!existsSync(INGEST)) throw new Error('apps are not built: run `npm run build` (npm test does)');
    await run.createTopics();
  });

  afterAll(async () => {
    if (supervisor && supervisor.exitCode === null) supervisor.kill('SIGKILL');
    rmSync(logDir, { recursive: true, force: true });
    await run.cleanUp();
  });

  it('restarts an app killed with SIGKILL, says so with a growing delay, and stops it on SIGTERM', async () => {
    const port = await freePort();
    const log = join(logDir, 'ingest.log');
    supervisor = spawn('bash', [join(ROOT, 'scripts/supervise.sh'), 'ingest', log, '--', process.execPath, INGEST], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...run.env(), INGEST_PORT: String(port), LOG_LEVEL: 'log' },
    });
    let output = '';
    supervisor.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    supervisor.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => supervisor?.on('exit', (code) => done(code)));

    const healthy = (): Promise<true | undefined> =>
      fetch(`http://127.0.0.1:${port}/health`).then(
        (response) => (response.ok ? true : undefined),
        () => undefined,
      );
    const startedPids = (): number[] =>
      [...output.matchAll(/tocsin: ingest started \(pid (\d+),/g)].map((match) => Number(match[1]));
    const nthStart = (n: number) => async (): Promise<number | undefined> => startedPids()[n - 1];

    const first = await waitUntil('ingest to start', nthStart(1), 30_000);
    await waitUntil('ingest to answer /health', healthy, 60_000);

    process.kill(first, 'SIGKILL');
    const second = await waitUntil('ingest to be started again', nthStart(2), 30_000);
    expect(output).toMatch(/tocsin: ingest died \(killed by SIGKILL after \d+s\); restarting in 1s/);
    expect(second).not.toBe(first);
    await waitUntil('the restarted ingest to answer /health', healthy, 60_000);

    process.kill(second, 'SIGKILL');
    const third = await waitUntil('ingest to be started a third time', nthStart(3), 30_000);
    expect(output).toMatch(/tocsin: ingest died \(killed by SIGKILL after \d+s\); restarting in 2s/);
    await waitUntil('the third ingest to answer /health', healthy, 60_000);

    supervisor.kill('SIGTERM');
    await expect(exited).resolves.toBe(0);
    expect(output).toMatch(/tocsin: ingest stopped\n$/);
    expect(isAlive(third)).toBe(false);
    expect(readFileSync(log, 'utf8')).toMatch(/ingest stopped cleanly/);
  });
});
