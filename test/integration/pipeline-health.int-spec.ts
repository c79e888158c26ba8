import type { INestApplicationContext } from '@nestjs/common';
import { freePort } from '../support/free-port';
import { TestRun } from '../support/test-infra';
import { startPipeline } from '../support/tocsin-apps';

describe('pipeline health listener', () => {
  const run = new TestRun();
  let pipeline: INestApplicationContext | undefined;
  let url = '';

  beforeAll(async () => {
    await run.createTopics();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    pipeline = await startPipeline(run.env({ PIPELINE_HEALTH_PORT: String(port) }));
  });

  afterAll(async () => {
    await pipeline?.close();
    await run.cleanUp();
  });

  it('answers GET /health with 200 when Kafka and Redis answer', async () => {
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual({ status: 'ok', kafka: 'ready', redis: 'ready' });
  });

  it('answers anything else with 404', async () => {
    expect((await fetch(`${url}/v1/mentions`)).status).toBe(404);
  });

  it('stops listening when the pipeline stops', async () => {
    await pipeline?.close();
    pipeline = undefined;
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
