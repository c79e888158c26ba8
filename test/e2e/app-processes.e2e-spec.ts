import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from '../support/free-port';
import { aMention } from '../support/mention-fixtures';
import { TestRun } from '../support/test-infra';
import { createIngestKey } from '../support/tocsin-apps';

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

  it('ingest logs JSON lines with LOG_FORMAT=json, never its keys, and counts what it accepted in GET /metrics', async () => {
    const port = await freePort();
    const key = await createIngestKey(run.env());
    const started = startApp('ingest', {
      ...run.env(),
      LOG_LEVEL: 'verbose',
      LOG_FORMAT: 'json',
      INGEST_PORT: String(port),
    });
    await waitForOutput(started.output, /listening on/, 60_000);
    const post = (authorization: string) =>
      fetch(`http://127.0.0.1:${port}/v1/mentions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify([aMention()]),
      });
    const wrongKey = `${key.slice(0, -4)}AAAA`;
    expect((await post(`Bearer ${wrongKey}`)).status).toBe(401);
    expect((await post(`Bearer ${key}`)).status).toBe(202);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    started.child.kill('SIGTERM');
    await started.exited;
    // pino writes asynchronously: its last lines may reach the pipe after the exit event.
    await waitForOutput(started.output, /ingest stopped cleanly/, 5_000);
    expect(metrics).toContain('tocsin_ingest_mentions_total{outcome="accepted",app="ingest"} 1');
    expect(metrics).toMatch(/^nodejs_eventloop_lag_seconds\{app="ingest"\} /m);
    const lines = started
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    // The secret parts: the id before them is public and may be logged.
    expect(started.output()).not.toContain(key.slice(17));
    expect(started.output()).not.toContain(wrongKey.slice(17));
    expect(lines.map((line) => (JSON.parse(line) as { msg?: string }).msg)).toContainEqual(
      expect.stringMatching(/ingest stopped cleanly/),
    );
  });

  it('pipeline serves Prometheus metrics beside its health check', async () => {
    const port = await freePort();
    const started = startApp('pipeline', { ...run.env(), LOG_LEVEL: 'log', PIPELINE_HEALTH_PORT: String(port) });
    await waitForOutput(started.output, /consuming/, 60_000);
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    const body = await response.text();
    started.child.kill('SIGTERM');
    await started.exited;
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(body).toMatch(/^nodejs_eventloop_lag_seconds\{app="pipeline"\} /m);
    expect(body).toContain('# TYPE tocsin_consumer_lag_records gauge');
  });
});
