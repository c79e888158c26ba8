import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IngestClient } from './load-generator';

interface Page {
  /** The alert's id, or the incident's when the plan groups alerts into incidents. */
  subjectId: string;
  /** The alert's reason, or the incident's title and the reasons of the alerts that joined it. */
  reason: string;
  receivedAtMs: number;
}

interface PageBody {
  alertId?: unknown;
  reason?: unknown;
  incidentId?: unknown;
  title?: unknown;
  joined?: { alerts?: { reason?: unknown }[] };
}

/** What a page is about and says, from an alert page's body or an incident page's. */
function readPage(body: PageBody): Omit<Page, 'receivedAtMs'> | undefined {
  if (typeof body.alertId === 'string' && typeof body.reason === 'string') {
    return { subjectId: body.alertId, reason: body.reason };
  }
  if (typeof body.incidentId === 'string' && typeof body.title === 'string') {
    const joined = (body.joined?.alerts ?? []).flatMap((alert) =>
      typeof alert.reason === 'string' ? [alert.reason] : [],
    );
    return { subjectId: body.incidentId, reason: [body.title, ...joined].join('\n') };
  }
  return undefined;
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
        const page = readPage(JSON.parse(Buffer.concat(chunks).toString('utf8')) as PageBody);
        if (page) this.waiting?.({ ...page, receivedAtMs });
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/page`;
  }

  /** The next page whose alert reason names `reasonPart`, or undefined after `timeoutMs`. */
  next(reasonPart: string, timeoutMs: number): Promise<Page | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.waiting = (page) => {
        if (!page.reason.includes(reasonPart)) return;
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
 * Sends one crisis mention at a time (negative, with the example plan's crisis words, about
 * Voltaway) and times it from its POST to the page at the receiver; then resolves that alert
 * (`resolveProbeAlerts`) so the next probe opens and pages a fresh one. Runs for `seconds`; a probe
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
        text: 'Voltaway is a scam, I want a refund, total fraud, awful service',
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
