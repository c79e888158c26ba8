import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPage {
  /** The path without its query: one per person or org-wide hook in the tests' plans. */
  path: string;
  key: string;
  body: unknown;
}

/**
 * A local HTTP receiver of webhook pages, as a pager would be: it keeps every request, and
 * counts what a person sees — one page per distinct idempotency key — apart from the deliveries.
 */
export class WebhookReceiver {
  readonly pages: ReceivedPage[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const path = (request.url ?? '').split('?')[0] ?? '';
        const key = String(request.headers['idempotency-key'] ?? '');
        this.pages.push({ path, key, body: body ? (JSON.parse(body) as unknown) : undefined });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Pages seen at `path` as a person sees them: one per idempotency key. */
  distinctKeys(path: string): string[] {
    return [...new Set(this.pages.filter((page) => page.path === path).map((page) => page.key))];
  }

  deliveries(path: string): number {
    return this.pages.filter((page) => page.path === path).length;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
