import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IngestClient } from './load-generator';

interface Page {
  /** The alert's reason, or for an incident page its title and the reasons of the alerts it names. */
  reasons: string[];
  receivedAtMs: number;
}

/** The brand probes are about: the example plan's product-safety trigger (level crisis) is Fleurie's. */
export const PROBE_BRAND = 'fleurie';

const stringsOf = (values: unknown[]): string[] => values.filter((value) => typeof value === 'string');

/** What a JSON page (an alert's or an incident's) says it is about. */
function reasonsOf(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const page = body as { reason?: unknown; title?: unknown; joined?: { alerts?: Array<{ reason?: unknown }> } };
  const joined = Array.isArray(page.joined?.alerts) ? page.joined.alerts.map((alert) => alert.reason) : [];
  return stringsOf([page.reason, page.title, ...joined]);
}

/** A pager on loopback: answers 200 to every webhook and hands each page's body to who waits. */
export class PageReceiver {
  private readonly server: Server;
  private waiting: ((page: Page) => void) | undefined;
  pages = 0;

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const receivedAtMs = Date.now();
        response.writeHead(200).end();
        this.pages += 1;
        const reasons = reasonsOf(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        if (reasons.length > 0) this.waiting?.({ reasons, receivedAtMs });
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/page`;
  }

  /** The next page whose alert (or one of the incident's alerts) names `reasonPart`, or undefined after `timeoutMs`. */
  next(reasonPart: string, timeoutMs: number): Promise<Page | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.waiting = (page) => {
        if (!page.reasons.some((reason) => reason.includes(reasonPart))) return;
        clearTimeout(timer);
        this.waiting = undefined;
        resolve(page);
      };
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export interface ProbeResult {
  sent: number;
  paged: number;
  latenciesMs: number[];
}

/**
 * Sends one crisis mention at a time (negative, with the example plan's product-safety words, a
 * crisis-level trigger of Fleurie) and times it from its POST to the page at the receiver; then
 * resolves the brand's alerts and incidents (`resolveProbeAlerts`) so the next probe pages again
 * (it opens an incident, or raises the level of one the background opened meanwhile). Runs for `seconds`; a probe
 * not paged within `pageTimeoutMs` counts as unpaged and the next one goes.
 */
export async function runCrisisProbes(
  client: IngestClient,
  receiver: PageReceiver,
  options: {
    seconds: number;
    idPrefix: string;
    pageTimeoutMs: number;
    /** Resolves the alerts the probes opened, paged or not, so the next probe opens a new one. */
    resolveProbeAlerts: () => Promise<void>;
  },
): Promise<ProbeResult> {
  const result: ProbeResult = { sent: 0, paged: 0, latenciesMs: [] };
  const deadlineMs = performance.now() + options.seconds * 1000;
  while (performance.now() < deadlineMs) {
    result.sent += 1;
    const handle = `probe${result.sent}`;
    // Pages of alerts the background load opens are not the probe's: its own names its author.
    const page = receiver.next(`@${handle} `, options.pageTimeoutMs);
    const sentAtMs = Date.now();
    await client.post([
      {
        id: `${options.idPrefix}-${result.sent}`,
        platform: 'twitter',
        text: 'Fleurie Cosmetics serum gave me an awful rash and a burn, horrible allergic reaction',
        createdAt: new Date(sentAtMs).toISOString(),
        author: { id: handle, handle, followers: 120 },
      },
    ]);
    const paged = await page;
    if (paged) {
      result.paged += 1;
      result.latenciesMs.push(paged.receivedAtMs - sentAtMs);
    }
    await options.resolveProbeAlerts();
  }
  return result;
}
