import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A dependency's readiness probe: true when it answers. */
export type ReadinessCheck = () => Promise<boolean>;

/** Prometheus exposition, served on `GET /metrics` beside the health answer when given. */
export interface MetricsExposition {
  render(): Promise<{ contentType: string; body: string }>;
}

export type HealthReport = { status: 'ok' | 'unavailable' } & Record<
  string,
  'ready' | 'unreachable' | 'ok' | 'unavailable'
>;

/**
 * Roles without an HTTP API (pipeline, alerter) still answer supervisors (compose, Kubernetes,
 * a load balancer's probe) over HTTP: `GET /health` answers 200 when every dependency answers,
 * 503 naming what does not, like ingest and gateway, and `GET /metrics` serves Prometheus. Plain node:http, so such a role carries no
 * web framework.
 */
export class HealthServer {
  private server: Server | undefined;

  constructor(
    private readonly role: string,
    private readonly checks: Readonly<Record<string, ReadinessCheck>>,
    private readonly metrics?: MetricsExposition,
  ) {}

  async check(): Promise<HealthReport> {
    const names = Object.keys(this.checks);
    const ready = await Promise.all(names.map((name) => (this.checks[name] ?? (() => Promise.resolve(false)))()));
    const report: HealthReport = { status: ready.every(Boolean) ? 'ok' : 'unavailable' };
    names.forEach((name, index) => (report[name] = ready[index] ? 'ready' : 'unreachable'));
    return report;
  }

  /** Listens on host:port (0 picks a free port); resolves with the port, rejects if it is taken. */
  async listen(host: string, port: number): Promise<number> {
    const server = createServer((request, response) => {
      const metrics = this.metrics;
      if (metrics && request.method === 'GET' && request.url === '/metrics') {
        void metrics
          .render()
          .then(({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body));
        return;
      }
      if (request.method !== 'GET' || request.url !== '/health') {
        const routes = metrics ? 'GET /health and GET /metrics' : 'GET /health';
        response
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ message: `only ${routes} here` }));
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
        reject(new Error(`${this.role} health listener on ${host}:${port} failed: ${error.message}`, { cause: error })),
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
