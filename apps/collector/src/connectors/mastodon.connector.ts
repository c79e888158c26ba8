import type { Environment } from '@tocsin/domain';
import {
  compareStatusIds,
  mapMastodonStatus,
  mastodonCatchUpUrl,
  mastodonStreamUrl,
  parseRetryAfterMs,
  SseParser,
  type MastodonSource,
  type SseEvent,
} from '@tocsin/sources';
import { z } from 'zod';
import {
  describeRequestError,
  SourceUnavailableError,
  type ReadItem,
  type SessionContext,
  type SessionEnd,
  type SourceConnector,
} from './source-connector';

/** No `lastId` yet: the source was never read past a status, so it starts from now. */
export const mastodonPositionSchema = z.object({ lastId: z.string().regex(/^\d+$/).optional() });
export type MastodonPosition = z.infer<typeof mastodonPositionSchema>;

/** Largest page the REST timelines serve. */
const PAGE_LIMIT = 40;
/** Stream events are delivered in batches this often. */
const FLUSH_EVERY_MS = 200;
const REQUEST_TIMEOUT_MS = 15_000;

function unavailable(what: string, response: Response, nowMs: number): SourceUnavailableError {
  const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), nowMs);
  return new SourceUnavailableError(`${what} answered HTTP ${response.status}`, retryAfterMs);
}

/**
 * One Mastodon instance's public or hashtag timeline over server-sent events. When the source
 * was read before, the stream is opened first (so nothing posted meanwhile is missed), the
 * REST timeline is paged forward from the last status id, then the stream is read; statuses
 * at or below the last delivered id are repeats and dropped.
 */
export class MastodonConnector implements SourceConnector<MastodonPosition> {
  readonly positionSchema = mastodonPositionSchema;

  constructor(
    private readonly source: MastodonSource,
    private readonly environment: Environment,
  ) {}

  private headers(accept: string): Record<string, string> {
    const token = this.source.accessTokenEnv ? this.environment[this.source.accessTokenEnv] : undefined;
    return { accept, 'user-agent': 'Tocsin collector', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  }

  async runSession(context: SessionContext<MastodonPosition>): Promise<SessionEnd> {
    const { signal, status, clock } = context;
    const connection = new AbortController();
    const stopConnection = (): void => connection.abort();
    signal.addEventListener('abort', stopConnection, { once: true });
    let lastId = context.position?.lastId;
    const timeline = { timeline: this.source.timeline, hashtag: this.source.hashtag, local: this.source.local };
    try {
      // The timeout covers the answer's headers only: the body is a stream meant to stay open.
      const headersTimer = setTimeout(stopConnection, REQUEST_TIMEOUT_MS);
      const streamingBase = (this.source.streamingUrl ?? this.source.instance).replace(/^ws(s?):/, 'http$1:');
      const response = await fetch(mastodonStreamUrl(streamingBase, timeline), {
        headers: this.headers('text/event-stream'),
        signal: connection.signal,
      })
        .catch((error: unknown) => {
          throw new SourceUnavailableError(`streaming connection failed: ${describeRequestError(error)}`, undefined, {
            cause: error,
          });
        })
        .finally(() => clearTimeout(headersTimer));
      if (!response.ok || !response.body) throw unavailable('streaming endpoint', response, clock.now());
      status.enter('reading', clock.now());

      const events: SseEvent[] = [];
      // Held as a result, not a rejection: the stream may fail while the catch-up is running.
      const stream: Promise<Error | undefined> = this.readStream(response.body, events, connection).then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      );

      const deliver = async (items: ReadItem[], newLastId: string | undefined): Promise<void> => {
        const position = newLastId ?? lastId;
        if (items.length === 0 && position === lastId) return;
        await context.deliver({ items, position: position === undefined ? {} : { lastId: position } });
        lastId = position;
      };

      if (lastId !== undefined) await this.catchUp(context, timeline, lastId, deliver);

      for (;;) {
        const ended = await Promise.race([stream.then(() => true), sleepFor(FLUSH_EVERY_MS).then(() => false)]);
        const taken = events.splice(0, events.length);
        const { items, maxId } = this.readEvents(taken, lastId, context);
        await deliver(items, maxId);
        if (ended) break;
      }
      const streamError = await stream;
      if (streamError) throw streamError;
      if (signal.aborted) return { nextSessionInMs: 0 };
      throw new SourceUnavailableError('the instance closed the stream');
    } finally {
      signal.removeEventListener('abort', stopConnection);
      connection.abort();
    }
  }

  /** Reads the event stream into `events` until it ends; a silent stream is cut. */
  private async readStream(
    body: ReadableStream<Uint8Array>,
    events: SseEvent[],
    connection: AbortController,
  ): Promise<void> {
    const parser = new SseParser();
    const decoder = new TextDecoder();
    let silent = false;
    let idle = setTimeout(onSilence, this.source.reconnectAfterSilence);
    function onSilence(): void {
      silent = true;
      connection.abort();
    }
    try {
      for await (const chunk of body) {
        clearTimeout(idle);
        idle = setTimeout(onSilence, this.source.reconnectAfterSilence);
        events.push(...parser.push(decoder.decode(chunk, { stream: true })));
      }
    } catch (error) {
      if (silent)
        throw new SourceUnavailableError(
          `no byte for ${this.source.reconnectAfterSilence} ms: reconnecting a silent stream`,
        );
      if (!connection.signal.aborted)
        throw new SourceUnavailableError(`stream cut: ${describeRequestError(error)}`, undefined, { cause: error });
    } finally {
      clearTimeout(idle);
    }
  }

  private readEvents(
    events: SseEvent[],
    lastId: string | undefined,
    context: SessionContext<MastodonPosition>,
  ): { items: ReadItem[]; maxId: string | undefined } {
    const items: ReadItem[] = [];
    let maxId: string | undefined;
    for (const event of events) {
      if (event.event !== 'update') continue;
      let status: unknown;
      try {
        status = JSON.parse(event.data);
      } catch (error) {
        items.push({ item: { kind: 'malformed', reason: `update is not JSON: ${String(error)}` }, raw: event.data });
        continue;
      }
      const mapped = mapMastodonStatus(status, this.source.instance, {
        nowMs: context.clock.now(),
        maxFutureSkewMs: context.maxFutureSkewMs,
      });
      if (mapped.statusId !== undefined) {
        if (lastId !== undefined && compareStatusIds(mapped.statusId, lastId) <= 0) {
          context.status.count('duplicates');
          continue;
        }
        if (maxId === undefined || compareStatusIds(mapped.statusId, maxId) > 0) maxId = mapped.statusId;
      }
      items.push({ item: mapped.item, raw: event.data });
    }
    return { items, maxId };
  }

  /** Pages the REST timeline forward from `afterId` until a short page, delivering each. */
  private async catchUp(
    context: SessionContext<MastodonPosition>,
    timeline: { timeline: 'public' | 'hashtag'; hashtag?: string; local: boolean },
    afterId: string,
    deliver: (items: ReadItem[], lastId: string | undefined) => Promise<void>,
  ): Promise<void> {
    let cursor = afterId;
    for (;;) {
      const response = await fetch(mastodonCatchUpUrl(this.source.instance, timeline, cursor, PAGE_LIMIT), {
        headers: this.headers('application/json'),
        signal: AbortSignal.any([context.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      }).catch((error: unknown) => {
        throw new SourceUnavailableError(`timeline catch-up failed: ${describeRequestError(error)}`, undefined, {
          cause: error,
        });
      });
      if (!response.ok) throw unavailable('timeline catch-up', response, context.clock.now());
      const page: unknown = await response.json();
      if (!Array.isArray(page)) throw new SourceUnavailableError('timeline catch-up did not answer a list of statuses');
      const items: ReadItem[] = [];
      let maxId: string | undefined;
      const mappingContext = { nowMs: context.clock.now(), maxFutureSkewMs: context.maxFutureSkewMs };
      const mapped = page
        .map((status: unknown) => ({ status, ...mapMastodonStatus(status, this.source.instance, mappingContext) }))
        .sort((a, b) => compareStatusIds(a.statusId ?? '0', b.statusId ?? '0'));
      for (const { status, statusId, item } of mapped) {
        if (statusId !== undefined && compareStatusIds(statusId, cursor) <= 0) continue;
        if (statusId !== undefined && (maxId === undefined || compareStatusIds(statusId, maxId) > 0)) maxId = statusId;
        items.push({ item, raw: JSON.stringify(status) });
      }
      await deliver(items, maxId);
      if (maxId === undefined || page.length < PAGE_LIMIT) return;
      cursor = maxId;
    }
  }
}

function sleepFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
