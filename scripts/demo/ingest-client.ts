import { setTimeout as sleep } from 'node:timers/promises';
import { mentionKey, type Mention } from '@tocsin/domain';
import { z } from 'zod';

const ingestAnswerSchema = z.object({
  accepted: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  errors: z.array(z.object({ index: z.number().int(), field: z.string().optional(), message: z.string() })).default([]),
});

export interface Rejection {
  key: string;
  field?: string;
  message: string;
}

export interface BatchOutcome {
  accepted: number;
  rejected: number;
  rejections: Rejection[];
}

const MAX_BACKOFF_MS = 10_000;

/** 500 ms, 1 s, 2 s … capped, so a restarting ingest is neither hammered nor waited on for long. */
export function backoffMs(attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt);
}

/** Only these are worth sending again; a 400 or 413 would fail the same way every time. */
function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const cause: unknown = error.cause;
    if (cause instanceof Error) return `${error.message}: ${'code' in cause ? String(cause.code) : cause.message}`;
    return error.message;
  }
  return String(error);
}

/** Posts mentions to ingest, waiting out its restarts rather than losing the stream. */
export class IngestClient {
  private readonly endpoint: string;

  constructor(
    private readonly baseUrl: string,
    private readonly key: string,
    private readonly log: (line: string) => void,
  ) {
    this.endpoint = `${baseUrl}/v1/mentions`;
  }

  /** Resolves once ingest answers HTTP at all, so the demo can start alongside the apps. */
  async waitUntilReachable(signal: AbortSignal): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await fetch(this.baseUrl, { method: 'GET', signal });
        return;
      } catch (error) {
        if (signal.aborted) throw error;
        const delayMs = backoffMs(attempt);
        this.log(`waiting for ingest at ${this.baseUrl} (${describeFailure(error)}), retrying in ${delayMs / 1000}s`);
        await sleep(delayMs, undefined, { signal });
      }
    }
  }

  /** Sends one batch as NDJSON; retries while ingest is unreachable or overloaded. */
  async send(mentions: readonly Mention[], signal: AbortSignal): Promise<BatchOutcome> {
    const body = mentions.map((mention) => JSON.stringify(mention)).join('\n') + '\n';
    for (let attempt = 0; ; attempt += 1) {
      let failure: string;
      try {
        const response = await fetch(this.endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${this.key}` },
          body,
          signal,
        });
        const text = await response.text();
        if (response.ok) return this.readAnswer(mentions, response.status, text);
        // Every later batch would be refused the same way: stop and say why.
        if (response.status === 401) throw new Error(`ingest refused the key (INGEST_KEY): ${text.slice(0, 300)}`);
        if (!isTransientStatus(response.status)) {
          return {
            accepted: 0,
            rejected: mentions.length,
            rejections: [{ key: 'batch', message: `HTTP ${response.status}: ${text.slice(0, 300)}` }],
          };
        }
        failure = `HTTP ${response.status}`;
      } catch (error) {
        if (signal.aborted) throw error;
        failure = describeFailure(error);
      }
      const delayMs = backoffMs(attempt);
      this.log(`ingest unavailable (${failure}), retrying a batch of ${mentions.length} in ${delayMs / 1000}s`);
      await sleep(delayMs, undefined, { signal });
    }
  }

  private readAnswer(mentions: readonly Mention[], status: number, text: string): BatchOutcome {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(`ingest answered HTTP ${status} with a body that is not JSON: ${text.slice(0, 200)}`, {
        cause: error,
      });
    }
    const answer = ingestAnswerSchema.safeParse(json);
    if (!answer.success) {
      throw new Error(`ingest answered HTTP ${status} without {accepted, rejected, errors}: ${text.slice(0, 200)}`);
    }
    const rejections = answer.data.errors.map((error) => {
      const mention = mentions[error.index];
      return {
        key: mention === undefined ? `#${error.index}` : mentionKey(mention),
        field: error.field,
        message: error.message,
      };
    });
    return { accepted: answer.data.accepted, rejected: answer.data.rejected, rejections };
  }
}
