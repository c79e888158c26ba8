import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { Environment } from '@tocsin/domain';
import { createRedis, IngestKeyStore, RedisKeys } from '@tocsin/redis';
import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { createCollectorApp } from '../../apps/collector/src/collector.app';
import { loadCollectorConfig } from '../../apps/collector/src/config';
import { createAlerterApp } from '../../apps/alerter/src/alerter.app';
import { loadAlerterConfig } from '../../apps/alerter/src/config';
import { loadGatewayConfig } from '../../apps/gateway/src/config';
import { createGatewayApp } from '../../apps/gateway/src/gateway.app';
import { loadIngestConfig } from '../../apps/ingest/src/config';
import { createIngestApp } from '../../apps/ingest/src/ingest.app';
import { loadPipelineConfig } from '../../apps/pipeline/src/config';
import { createPipelineApp } from '../../apps/pipeline/src/pipeline.app';
import { freePort } from './free-port';
import type { SignedInClient } from './sessions';
import { waitUntil } from './wait-for';

function urlOf(app: INestApplication): string {
  const address = app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}

export interface RunningGateway {
  url: string;
  app: INestApplication;
}

/**
 * A gateway listening, its consumers joined: the gateway serves sockets before it joins, but
 * a test that sends right away wants the wall's consumer (which starts at the end of the
 * stream) in place. Its port is chosen first, so its PUBLIC_URL (the one origin its sockets
 * accept) is its own unless `env` names one.
 */
export async function startGateway(env: Environment): Promise<RunningGateway> {
  const port = env.GATEWAY_PORT && env.GATEWAY_PORT !== '0' ? Number(env.GATEWAY_PORT) : await freePort();
  const app = await createGatewayApp(
    loadGatewayConfig({ PUBLIC_URL: `http://127.0.0.1:${port}`, ...env, GATEWAY_PORT: String(port) }),
  );
  await app.listen(port, '127.0.0.1');
  const url = urlOf(app);
  await waitUntil(
    "the gateway's consumers to join their groups",
    async () => {
      const health = (await (await fetch(`${url}/health`)).json()) as { consumers?: string };
      return health.consumers === 'joined' ? true : undefined;
    },
    30_000,
  );
  return { url, app };
}

/** A collector in this process; `env` names its SOURCES_FILE and COLLECTOR_INSTANCE_ID. */
export async function startCollector(env: Environment): Promise<RunningGateway> {
  const app = await createCollectorApp(loadCollectorConfig(env));
  await app.listen(0, '127.0.0.1');
  return { url: urlOf(app), app };
}

export async function startPipeline(env: Environment): Promise<INestApplicationContext> {
  return createPipelineApp(loadPipelineConfig(env));
}

export async function startAlerter(env: Environment): Promise<INestApplicationContext> {
  return createAlerterApp(loadAlerterConfig(env));
}

/** Where and with which key to post mentions. */
export interface IngestEndpoint {
  url: string;
  key: string;
}

export interface RunningTocsin {
  ingest: IngestEndpoint;
  gatewayUrl: string;
  pipeline: INestApplicationContext;
  alerter: INestApplicationContext;
  stop(): Promise<void>;
}

/** A new ingest key in the Redis and under the key prefix `env` names. */
export async function createIngestKey(
  env: Environment,
  source = 'test',
  brandIds: string[] | null = null,
): Promise<string> {
  const { redis: settings } = loadIngestConfig(env);
  // Through the sentinels when the run has them: REDIS_URL may name a primary since demoted.
  const redis = createRedis(settings, 'tocsin-test-keys');
  try {
    return (await new IngestKeyStore(redis, new RedisKeys(settings.keyPrefix)).create(source, brandIds, Date.now()))
      .key;
  } finally {
    await redis.quit();
  }
}

/** The four apps in this process, wired to the run's topics and keys, and an ingest key to post with. */
export async function startTocsin(env: Environment): Promise<RunningTocsin> {
  const ingestKey = await createIngestKey(env);
  const ingest = await createIngestApp(loadIngestConfig(env));
  await ingest.listen(0, '127.0.0.1');
  const pipeline = await startPipeline(env);
  const alerter = await startAlerter(env);
  const gateway = await startGateway(env);
  return {
    ingest: { url: urlOf(ingest), key: ingestKey },
    gatewayUrl: gateway.url,
    pipeline,
    alerter,
    stop: async () => {
      await gateway.app.close();
      await alerter.close();
      await pipeline.close();
      await ingest.close();
    },
  };
}

/** A socket.io client of a signed-in session, sending the browser's Origin (the gateway's own by default). */
export function openSocket(url: string, session: SignedInClient | undefined, origin = url): Socket {
  const extraHeaders: Record<string, string> = { origin };
  if (session) extraHeaders.cookie = session.cookie;
  return io(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders });
}

/** A real socket.io client, connected, over WebSocket only (as behind a non-sticky balancer). */
export async function connectSocket(url: string, session: SignedInClient): Promise<Socket> {
  const socket = openSocket(url, session);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(new Error(`socket to ${url} failed: ${error.message}`)));
  });
  return socket;
}

/** The handshake's refusal code (`connect_error`'s data), or 'connected' when it was let in. */
export function handshakeOutcome(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) =>
      resolve(error.data?.code ?? `no code: ${error.message}`),
    );
  });
}

export async function postMentions(
  ingest: IngestEndpoint,
  body: string,
  contentType: string,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${ingest.url}/v1/mentions`, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: `Bearer ${ingest.key}` },
    body,
  });
  return { status: response.status, json: await response.json() };
}
