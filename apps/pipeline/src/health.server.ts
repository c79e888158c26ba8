import { isKafkaReady } from '@tocsin/kafka';
import type { TocsinMetrics } from '@tocsin/observability';
import type Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PipelineHealth {
  status: 'ok' | 'unavailable';
  kafka: 'ready' | 'unreachable';
  redis: 'ready' | 'unreachable';
}

/**
 * The pipeline has no HTTP API, but supervisors (compose, Kubernetes, a load balancer's probe)
 * ask over HTTP: `GET /health` answers 200 when Kafka and Redis answer, 503 naming what does
 * not, like ingest and gateway; `GET /metrics` serves Prometheus. Plain node:http, so the pipeline carries no web framework.
 */
export class PipelineHealthServer {
  private server: Server | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly redis: Redis,
    private readonly metrics: TocsinMetrics,
  ) {}

  async check(): Promise<PipelineHealth> {
    const [kafkaReady, redisReady] = await Promise.all([
      isKafkaReady(this.kafka),
      this.redis.ping().then(
        (answer) => answer === 'PONG',
        () => false,
      ),
    ]);
    return {
      status: kafkaReady && redisReady ? 'ok' : 'unavailable',
      kafka: kafkaReady ? 'ready' : 'unreachable',
      redis: redisReady ? 'ready' : 'unreachable',
    };
  }

  /** Listens on host:port (0 picks a free port); resolves with the port, rejects if it is taken. */
  async listen(host: string, port: number): Promise<number> {
    const server = createServer((request, response) => {
      if (request.method === 'GET' && request.url === '/metrics') {
        void this.metrics
          .render()
          .then(({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body));
        return;
      }
      if (request.method !== 'GET' || request.url !== '/health') {
        response
          .writeHead(404, { 'content-type': 'application/json' })
          .end('{"message":"only GET /health and GET /metrics here"}');
        return;
      }
      void this.check().then((health) =>
        response
          .writeHead(health.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' })
          .end(JSON.stringify(health)),
      );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) =>
        reject(new Error(`pipeline health listener on ${host}:${port} failed: ${error.message}`, { cause: error })),
      );
      server.listen(port, host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
