import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { TestRun } from '../support/test-infra';

const ROOT = resolve(__dirname, '../..');
const entry = (app: string): string => resolve(ROOT, `dist/apps/${app}/apps/${app}/src/main.js`);

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

function startApp(
  app: string,
  env: Record<string, string | undefined>,
): { child: ChildProcessWithoutNullStreams; exited: Promise<Exit>; output: () => string } {
  const child = spawn(process.execPath, [entry(app)], { cwd: ROOT, env: { PATH: process.env.PATH, ...env } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<Exit>((done) => child.on('exit', (code, signal) => done({ code, signal, output })));
  return { child, exited, output: () => output };
}

async function waitForOutput(read: () => string, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(read())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} in:\n${read()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the built apps as processes', () => {
  const run = new TestRun();

  beforeAll(async () => {
    if (!existsSync(entry('pipeline'))) throw new Error('apps are not built: run `npm run build` (npm test does)');
    await run.createTopics();
  });
  afterAll(() => run.cleanUp());

  it.each(['ingest', 'pipeline', 'gateway', 'alerter'])(
    '%s refuses to start on a bad setting, naming it',
    async (app) => {
      const { exited } = startApp(app, { ...run.env(), KAFKA_BROKERS: 'kafka' });
      const exit = await exited;
      expect(exit.code).toBe(1);
      expect(exit.output).toContain('KAFKA_BROKERS: expected host:port[,host:port], got "kafka"');
    },
  );

  it.each(['pipeline', 'gateway', 'alerter'])('%s names a bad REDIS_URL without its password', async (app) => {
    const { exited } = startApp(app, { ...run.env(), REDIS_URL: 'redis://:hunter2@redis 6379' });
    const exit = await exited;
    expect(exit.code).toBe(1);
    expect(exit.output).toContain('REDIS_URL: expected redis://host:port[/db], got "redis://***@redis 6379"');
    expect(exit.output).not.toContain('hunter2');
  });

  it.each(['ingest', 'pipeline', 'gateway', 'alerter'])('%s stops gracefully on SIGTERM', async (app) => {
    const started = startApp(app, { ...run.env(), LOG_LEVEL: 'log' });
    await waitForOutput(started.output, /listening on|consuming|mention wall on/, 60_000);
    started.child.kill('SIGTERM');
    const exit = await started.exited;
    // Nest closes the app, then re-raises the signal so the process ends as a SIGTERM would.
    expect(exit.signal).toBe('SIGTERM');
    expect(exit.output).toMatch(new RegExp(`${app} stopped cleanly`));
  });
});
