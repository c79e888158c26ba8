import type { Clock } from '@tocsin/domain';
import { backoffDelayMs, type BackoffPolicy, type Source } from '@tocsin/sources';
import { SourceUnavailableError, sleep, type SourceConnector } from './connectors/source-connector';
import type { SourceLeaseStore } from './source-lease.store';
import { LeaseLostError, storedCheckpointSchema, type SourceOutput } from './source.output';
import type { SourceStatus } from './source-status';

export interface RunnerLogger {
  log(message: string): void;
  warn(message: string): void;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Reported by the caller as an unreadable checkpoint, with the text stored.
    return undefined;
  }
}

/** A session this long is a working connection: the next failure starts the backoff over. */
const HEALTHY_SESSION_MS = 30_000;

export interface SourceRunnerDependencies {
  leases: SourceLeaseStore;
  output: SourceOutput;
  clock: Clock;
  random: () => number;
  backoff: BackoffPolicy;
  maxFutureSkewMs: number;
  logger: RunnerLogger;
}

/**
 * Reads one source while this collector holds its lease: session after session, each from
 * the last checkpoint, with jittered exponential backoff (or the server's Retry-After)
 * between failed ones. Ends when stopped or when the lease is lost.
 */
export class SourceRunner<P> {
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly source: Source,
    private readonly connector: SourceConnector<P>,
    private readonly status: SourceStatus,
    private readonly deps: SourceRunnerDependencies,
  ) {}

  /** Starts reading; `onEnd` is told when the runner ended on its own (lease lost). */
  start(onEnd: (reason: string) => void): void {
    this.running = this.loop().then(onEnd, (error: unknown) => onEnd(String(error)));
  }

  /** Ends the session in progress (its batch in flight is finished) and waits for it. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async position(): Promise<{ position: P | undefined; lastItemAtMs: number | undefined }> {
    const stored = await this.deps.leases.loadCheckpoint(this.source.id);
    if (stored === null) return { position: undefined, lastItemAtMs: undefined };
    const envelope = storedCheckpointSchema.safeParse(parseJson(stored));
    const position = envelope.success ? this.connector.positionSchema.safeParse(envelope.data.position) : undefined;
    if (!position?.success) {
      this.deps.logger.warn(`source ${this.source.id}: stored checkpoint is unreadable, reading from now: ${stored}`);
      return { position: undefined, lastItemAtMs: undefined };
    }
    const lastItemAt = envelope.success ? envelope.data.lastItemAt : undefined;
    return { position: position.data, lastItemAtMs: lastItemAt ? Date.parse(lastItemAt) : undefined };
  }

  private async loop(): Promise<string> {
    const { signal } = this.abort;
    const { clock, logger } = this.deps;
    let attempt = 0;
    while (!signal.aborted) {
      const startedMs = clock.now();
      let delivered = 0;
      let waitMs: number;
      try {
        const { position, lastItemAtMs } = await this.position();
        if (lastItemAtMs !== undefined) this.status.sawItem(lastItemAtMs);
        this.status.enter('connecting', clock.now());
        const end = await this.connector.runSession({
          signal,
          position,
          status: this.status,
          clock,
          maxFutureSkewMs: this.deps.maxFutureSkewMs,
          deliver: async (batch) => {
            await this.deps.output.deliver(this.source, this.status, batch);
            delivered += 1;
          },
        });
        attempt = 0;
        waitMs = end.nextSessionInMs;
        this.status.enter('waiting', clock.now());
      } catch (error) {
        if (error instanceof LeaseLostError) {
          logger.warn(error.message);
          return 'lease lost';
        }
        if (signal.aborted) break;
        const healthy = delivered > 0 || clock.now() - startedMs >= HEALTHY_SESSION_MS;
        attempt = healthy ? 1 : attempt + 1;
        const retryAfterMs = error instanceof SourceUnavailableError ? error.retryAfterMs : undefined;
        if (retryAfterMs !== undefined) this.status.count('rateLimited');
        waitMs = Math.max(backoffDelayMs(attempt, this.deps.backoff, this.deps.random()), retryAfterMs ?? 0);
        const message = error instanceof Error ? error.message : String(error);
        this.status.failed(message, clock.now() + waitMs);
        this.status.count('retries');
        logger.warn(`source ${this.source.id}: ${message}; retrying in ${waitMs} ms (attempt ${attempt})`);
      }
      await sleep(waitMs, signal);
    }
    return 'stopped';
  }
}
