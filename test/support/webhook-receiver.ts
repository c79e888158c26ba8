import { SIGNATURE_HEADER, verifyTocsinSignature } from '@tocsin/alerting';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPage {
  /** The path without its query: one per person or org-wide hook in the tests' plans. */
  path: string;
  key: string;
  body: unknown;
  /** With a secret: `valid`, or why the `Tocsin-Signature` header was refused. */
  signature: 'valid' | 'not checked' | string;
}

export interface ReceiverOptions {
  /** The secret this receiver shares with Tocsin: every page's signature is checked with it. */
  secret?: string;
  /** Paths answered with a 302 to another URL instead of a 200. */
  redirects?: Record<string, string>;
}

/**
 * A local HTTP receiver of webhook pages, as a pager would be: it keeps every request, and
 * counts what a person sees — one page per distinct idempotency key — apart from the deliveries.
 * With a secret it verifies each page as a receiver should, with `verifyTocsinSignature`.
 */
export class WebhookReceiver {
  readonly pages: ReceivedPage[] = [];
  private server: Server | undefined;
  url = '';

  constructor(private readonly options: ReceiverOptions = {}) {}

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const path = (request.url ?? '').split('?')[0] ?? '';
        const key = String(request.headers['idempotency-key'] ?? '');
        const { secret, redirects = {} } = this.options;
        let signature = 'not checked';
        if (secret !== undefined) {
          const header = request.headers[SIGNATURE_HEADER];
          const check = verifyTocsinSignature(
            typeof header === 'string' ? header : undefined,
            body,
            secret,
            Math.floor(Date.now() / 1000),
          );
          signature = check.ok ? 'valid' : check.reason;
        }
        this.pages.push({ path, key, body: body ? (JSON.parse(body) as unknown) : undefined, signature });
        const redirect = redirects[path];
        if (redirect !== undefined) response.writeHead(302, { location: redirect }).end();
        else response.writeHead(200).end();
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
