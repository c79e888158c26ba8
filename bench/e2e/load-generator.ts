import { Agent, request } from 'node:http';

/** Brand texts the example crisis plan matches; mentions alternate between them. */
const BRAND_TEXTS = [
  { brandId: 'voltaway', text: 'My Voltaway charger stopped working after the update, #voltaway please help' },
  { brandId: 'fleurie', text: 'Fleurie Cosmetics new serum smells lovely but the pump broke on day two' },
] as const;

export interface BenchMention {
  id: string;
  platform: 'twitter';
  text: string;
  createdAt: string;
  author: { id: string; handle: string; followers: number };
}

/** A valid mention naming one of the plan's brands; `id` carries the run and sequence. */
export function benchMention(id: string, sequence: number, createdAt: string): BenchMention {
  const brand = BRAND_TEXTS[sequence % BRAND_TEXTS.length] ?? BRAND_TEXTS[0];
  return {
    id,
    platform: 'twitter',
    text: `${brand.text} (${sequence})`,
    createdAt,
    author: { id: `bench-author-${sequence % 997}`, handle: `fan${sequence % 997}`, followers: sequence % 5000 },
  };
}

export interface PostResult {
  status: number;
  accepted: number;
  /** Time from the request written to the answer read, ms. */
  latencyMs: number;
}

/** Keep-alive HTTP client over at most `connections` sockets to ingest's POST /v1/mentions. */
export class IngestClient {
  private readonly agent: Agent;

  constructor(
    private readonly url: URL,
    private readonly ingestKey: string,
    connections: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  post(mentions: readonly BenchMention[]): Promise<PostResult> {
    const body = JSON.stringify(mentions);
    const startedMs = performance.now();
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          path: '/v1/mentions',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${this.ingestKey}`,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            const answer =
              status === 202 ? (JSON.parse(Buffer.concat(chunks).toString()) as { accepted: number }) : undefined;
            resolve({ status, accepted: answer?.accepted ?? 0, latencyMs: performance.now() - startedMs });
          });
          response.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface ClosedLoopResult {
  accepted: number;
  failed: number;
  seconds: number;
  latenciesMs: number[];
}

/**
 * `connections` loops, each posting `perRequest` mentions and waiting for the answer before
 * the next, until `total` mentions are sent or `maxSeconds` pass: the most ingest can take.
 */
export async function runClosedLoop(
  client: IngestClient,
  options: { connections: number; perRequest: number; total: number; maxSeconds: number; idPrefix: string },
): Promise<ClosedLoopResult> {
  let next = 0;
  let accepted = 0;
  let failed = 0;
  const latenciesMs: number[] = [];
  const startedMs = performance.now();
  const deadlineMs = startedMs + options.maxSeconds * 1000;
  const loop = async (): Promise<void> => {
    while (next < options.total && performance.now() < deadlineMs) {
      const first = next;
      next = Math.min(options.total, next + options.perRequest);
      const createdAt = new Date().toISOString();
      const mentions = [];
      for (let i = first; i < next; i += 1) mentions.push(benchMention(`${options.idPrefix}-${i}`, i, createdAt));
      const result = await client.post(mentions);
      latenciesMs.push(result.latencyMs);
      if (result.status === 202) accepted += result.accepted;
      else failed += mentions.length;
    }
  };
  await Promise.all(Array.from({ length: options.connections }, loop));
  return { accepted, failed, seconds: (performance.now() - startedMs) / 1000, latenciesMs };
}

export interface OpenLoopResult {
  offered: number;
  accepted: number;
  failed: number;
  seconds: number;
  /** Requests not sent because `maxInFlight` were already waiting: ingest fell behind. */
  skipped: number;
  latenciesMs: number[];
}

/**
 * Offers `ratePerSecond` mentions for `seconds`, in ticks of 50 ms split over up to
 * `connections` requests, whatever ingest answers (an open loop, as real sources are).
 * `onSent` learns each mention's id and send instant, for the send→wall latency.
 */
export async function runOpenLoop(
  client: IngestClient,
  options: {
    ratePerSecond: number;
    seconds: number;
    connections: number;
    idPrefix: string;
    onSent: (id: string, sentAtMs: number) => void;
  },
): Promise<OpenLoopResult> {
  const tickMs = 50;
  const ticks = Math.round((options.seconds * 1000) / tickMs);
  const maxInFlight = options.connections * 4;
  const result: OpenLoopResult = { offered: 0, accepted: 0, failed: 0, seconds: 0, skipped: 0, latenciesMs: [] };
  let inFlight = 0;
  let sequence = 0;
  const pending: Promise<void>[] = [];
  const startedMs = performance.now();
  for (let tick = 0; tick < ticks; tick += 1) {
    const due = Math.round(((tick + 1) * tickMs * options.ratePerSecond) / 1000) - sequence;
    const perRequest = Math.ceil(due / options.connections);
    for (let sent = 0; sent < due; sent += perRequest) {
      const count = Math.min(perRequest, due - sent);
      const first = sequence;
      sequence += count;
      result.offered += count;
      if (inFlight >= maxInFlight) {
        result.skipped += count;
        continue;
      }
      const createdAt = new Date().toISOString();
      const sentAtMs = Date.now();
      const mentions = [];
      for (let i = first; i < first + count; i += 1) {
        const id = `${options.idPrefix}-${i}`;
        mentions.push(benchMention(id, i, createdAt));
        options.onSent(id, sentAtMs);
      }
      inFlight += 1;
      pending.push(
        client.post(mentions).then(
          (answer) => {
            inFlight -= 1;
            result.latenciesMs.push(answer.latencyMs);
            if (answer.status === 202) result.accepted += answer.accepted;
            else result.failed += count;
          },
          () => {
            inFlight -= 1;
            result.failed += count;
          },
        ),
      );
    }
    const waitMs = startedMs + (tick + 1) * tickMs - performance.now();
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
  await Promise.all(pending);
  result.seconds = (performance.now() - startedMs) / 1000;
  return result;
}

/** The p-th percentile (0–100) of `values`, nearest rank; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
