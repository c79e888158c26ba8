import type { INestApplicationContext } from '@nestjs/common';
import type { Environment } from '@tocsin/domain';
import { freePort } from '../support/free-port';
import { TestRun } from '../support/test-infra';
import { startAlerter, startPipeline } from '../support/tocsin-apps';

/** The roles with no HTTP API of their own answer supervisors on a health port. */
const roles: [string, string, (env: Environment) => Promise<INestApplicationContext>][] = [
  ['pipeline', 'PIPELINE_HEALTH_PORT', startPipeline],
  ['alerter', 'ALERTER_HEALTH_PORT', startAlerter],
];

describe.each(roles)('%s health listener', (_role, portVariable, start) => {
  const run = new TestRun();
  let app: INestApplicationContext | undefined;
  let url = '';

  beforeAll(async () => {
    await run.createTopics();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    app = await start(run.env({ [portVariable]: String(port) }));
  });

  afterAll(async () => {
    await app?.close();
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

  it('stops listening when the app stops', async () => {
    await app?.close();
    app = undefined;
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
