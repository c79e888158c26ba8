import type { Clock } from '@tocsin/domain';
import type { SourceItem } from '@tocsin/sources';
import type { ZodType, ZodTypeDef } from 'zod';
import type { SourceStatus } from '../source-status';

/** One item as read, with the bytes it came in, for the dead-letter topic. */
export interface ReadItem {
  item: SourceItem;
  raw: string;
}

/** Items read since the last delivery and the source position just after them. */
export interface SourceBatch<P> {
  items: ReadItem[];
  position: P;
}

export interface SessionContext<P> {
  /** Aborted when the collector stops or hands the source over: close and return. */
  signal: AbortSignal;
  /** Where the last delivered batch ended; undefined for a source never read. */
  position: P | undefined;
  /**
   * Makes a batch durable: mentions acknowledged by Kafka, then the position checkpointed.
   * Throws when that failed; the session must then end (the next one resumes from the last
   * checkpoint, so nothing is lost).
   */
  deliver(batch: SourceBatch<P>): Promise<void>;
  status: SourceStatus;
  clock: Clock;
  maxFutureSkewMs: number;
}

/** How a session that ended normally wants the next one scheduled. */
export interface SessionEnd {
  nextSessionInMs: number;
}

/** A connector reads a source in sessions (one connection, or one poll) from a position. */
export interface SourceConnector<P> {
  /** Validates a stored position: one that no longer parses starts the source from now. */
  readonly positionSchema: ZodType<P, ZodTypeDef, unknown>;
  runSession(context: SessionContext<P>): Promise<SessionEnd>;
}

/**
 * The source could not be read (refused, cut, rate-limited, silent): recoverable, retried
 * after a backoff, or after `retryAfterMs` when the server asked for it.
 */
export class SourceUnavailableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SourceUnavailableError';
  }
}

/**
 * A failed request in words: fetch reports every network failure as "fetch failed" and keeps
 * the useful part (ENOTFOUND, ECONNREFUSED, a TLS error) in its cause.
 */
export function describeRequestError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/** Resolves after `ms`, or early when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
