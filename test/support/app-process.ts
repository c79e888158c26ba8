import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

export type AppRole = 'ingest' | 'pipeline' | 'gateway' | 'alerter';

/** The built entry point of an app role (`npm run build`). */
export function appEntry(role: AppRole): string {
  return resolve(ROOT, `dist/apps/${role}/apps/${role}/src/main.js`);
}

/**
 * One built app as an OS process, supervised as systemd or compose would: when it dies
 * without being told to (a consumer kafkajs gave up on during a broker restart), it is started
 * again and the restart is counted. `kill()` is a kill -9 the supervisor also answers.
 */
export class AppProcess {
  private child: ChildProcess | undefined;
  private output = '';
  private stopping = false;
  private readonly log: WriteStream;
  /** Starts after the first one: by the supervisor or after a kill. */
  restarts = 0;

  constructor(
    readonly name: string,
    private readonly role: AppRole,
    private readonly env: Record<string, string | undefined>,
    logFile: string,
  ) {
    mkdirSync(dirname(logFile), { recursive: true });
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  start(): void {
    if (!existsSync(appEntry(this.role))) throw new Error(`${this.role} is not built: run \`npm run build\``);
    this.output = '';
    const child = spawn(process.execPath, [appEntry(this.role)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer): void => {
      this.output += chunk.toString();
      this.log.write(chunk);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('exit', (code, signal) => {
      this.log.write(`\n--- ${this.name} exited (code ${code}, signal ${signal})\n`);
      if (this.child !== child || this.stopping) return;
      this.child = undefined;
      this.restarts += 1;
      setTimeout(() => this.start(), 500);
    });
    this.child = child;
  }

  /** What the current process printed since it started. */
  printed(): string {
    return this.output;
  }

  /** kill -9, then a start after `downMs`, as a supervisor restarting a crashed app. */
  async crashAndRestart(downMs: number): Promise<void> {
    const child = this.child;
    if (!child) throw new Error(`${this.name} is not running`);
    this.child = undefined;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
    this.restarts += 1;
    await new Promise((done) => setTimeout(done, downMs));
    this.start();
  }

  /** kill -9 without a restart. */
  async crash(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    await new Promise((done) => this.log.end(done));
  }
}
