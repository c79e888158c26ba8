import type { INestApplication } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadIngestConfig } from '../../apps/ingest/src/config';
import { createIngestApp } from '../../apps/ingest/src/ingest.app';
import { appEntry } from '../support/app-process';
import { aMention } from '../support/mention-fixtures';
import { startRedisServer, type RedisServer } from '../support/redis-server';
import { TestRun } from '../support/test-infra';
import { createIngestKey, startAlerter } from '../support/tocsin-apps';

const PASSWORD = 'redis-pw-7f3a91c2e4b8';

describe('Redis with a password (requirepass)', () => {
  const run = new TestRun();
  let redis: RedisServer;
  let withPassword: string;

  beforeAll(async () => {
    await run.createTopics();
    redis = await startRedisServer({ password: PASSWORD });
    withPassword = `redis://:${PASSWORD}@127.0.0.1:${redis.port}`;
  });

  afterAll(async () => {
    await redis?.stop();
    await run.cleanUp();
  });

  it('ingest keeps and checks its keys there when REDIS_URL gives the password', async () => {
    const env = run.env({ REDIS_URL: withPassword });
    const key = await createIngestKey(env);
    const ingest: INestApplication = await createIngestApp(loadIngestConfig(env));
    try {
      await ingest.listen(0, '127.0.0.1');
      const url = `http://127.0.0.1:${(ingest.getHttpServer().address() as AddressInfo).port}`;
      const response = await fetch(`${url}/v1/mentions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(aMention()),
      });
      expect(response.status).toBe(202);
      expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok', kafka: 'ready', redis: 'ready' });
    } finally {
      await ingest.close();
    }
  });

  it('the alerter starts and stops on it with the password', async () => {
    const alerter = await startAlerter(run.env({ REDIS_URL: withPassword }));
    await alerter.close();
  });

  it.each([
    [
      'without the password',
      () => redis.url,
      /REDIS_URL: Redis at redis:\/\/127\.0\.0\.1:\d+ asks for a password, and REDIS_URL gives none/,
    ],
    [
      'with a wrong password',
      () => `redis://:wrong-${PASSWORD}@127.0.0.1:${redis.port}`,
      /REDIS_URL: Redis at redis:\/\/\*\*\*@127\.0\.0\.1:\d+ refused the user or password REDIS_URL gives \(WRONGPASS\)/,
    ],
  ])('the built ingest refuses to start %s, naming REDIS_URL and never the password', async (_case, url, message) => {
    if (!existsSync(appEntry('ingest'))) throw new Error('ingest is not built: run `npm run build` (npm test does)');
    const child = spawn(process.execPath, [appEntry('ingest')], {
      env: { PATH: process.env.PATH, ...run.env({ REDIS_URL: url(), INGEST_PORT: '0' }) },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(1);
    expect(output).toMatch(message);
    expect(output).not.toContain(PASSWORD);
  });
});
