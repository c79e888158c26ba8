import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { waitUntil } from './wait-for';

export interface RedisServer {
  port: number;
  /** The URL without credentials: tests add them (or not) as the case needs. */
  url: string;
  stop(): Promise<void>;
}

/**
 * A redis-server of the test's own (Debian's, as scripts/infra-up.sh uses), on a free port or
 * TOCSIN_TEST_REDIS_PORT, in memory only, with `requirepass` when a password is given.
 */
export async function startRedisServer(options: { password?: string } = {}): Promise<RedisServer> {
  const port = Number(process.env.TOCSIN_TEST_REDIS_PORT ?? (await freePort()));
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'];
  if (options.password !== undefined) args.push('--requirepass', options.password);
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitUntil(
    `redis-server on port ${port} to accept connections`,
    async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${output}`);
      return /Ready to accept connections/.test(output) ? true : undefined;
    },
    10_000,
  );
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
