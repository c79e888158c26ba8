import { RedisKeys } from '@tocsin/redis';
import Redis from 'ioredis';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookOutbox, webhookBackoffMs } from '../../apps/gateway/src/webhook.outbox';
import { REDIS_URL, TestRun } from '../support/test-infra';

describe(WebhookOutbox.name, () => {
  const run = new TestRun();
  const redis = new Redis(REDIS_URL);
  const received: Array<{ path: string; body: unknown }> = [];
  let flakyFailuresLeft = 2;
  let server: Server;
  let baseUrl: string;
  let nowMs = Date.parse('2026-11-23T10:00:00Z');
  const sut = new WebhookOutbox(redis, new RedisKeys(run.keyPrefix), { now: () => nowMs });

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ path: request.url ?? '', body: JSON.parse(body) as unknown });
        const status = request.url === '/gone' ? 410 : request.url === '/flaky' && flakyFailuresLeft-- > 0 ? 503 : 200;
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await redis.quit();
    await run.cleanUp();
  });

  it('delivers at once, retries recoverable failures with backoff, and gives up on permanent ones', async () => {
    await sut.enqueue('alert-1', `${baseUrl}/ok`, 'json', { type: 'alert.opened', alertId: 'alert-1' });
    await sut.enqueue('alert-2', `${baseUrl}/flaky`, 'slack', { text: 'page' });
    await sut.enqueue('alert-3', `${baseUrl}/gone`, 'json', { type: 'alert.opened', alertId: 'alert-3' });

    await sut.deliverDue();
    for (const attempt of [1, 2]) {
      nowMs += webhookBackoffMs(attempt);
      await sut.deliverDue();
    }

    expect(received.filter((request) => request.path === '/ok')).toEqual([
      { path: '/ok', body: { type: 'alert.opened', alertId: 'alert-1' } },
    ]);
    expect(received.filter((request) => request.path === '/flaky')).toHaveLength(3);
    expect((await sut.deliveries('alert-2')).map((delivery) => delivery.status)).toEqual([
      'retrying',
      'retrying',
      'delivered',
    ]);
    expect(await sut.deliveries('alert-3')).toEqual([
      expect.objectContaining({ status: 'failed', attempts: 1, error: 'HTTP 410' }),
    ]);
    expect(await sut.deliveries('alert-1')).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1 })]);
  });
});
