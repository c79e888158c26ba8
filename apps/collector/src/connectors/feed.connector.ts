import { mapFeedEntry, parseFeedDocument, parseRetryAfterMs, type FeedSource } from '@tocsin/sources';
import { z } from 'zod';
import {
  describeRequestError,
  SourceUnavailableError,
  type ReadItem,
  type SessionContext,
  type SessionEnd,
  type SourceConnector,
} from './source-connector';

export const feedPositionSchema = z.object({
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  /** guid/id/link of the entries already delivered, newest first. */
  seen: z.array(z.string()),
});
export type FeedPosition = z.infer<typeof feedPositionSchema>;

/** Entries remembered for deduplication: well past what a feed lists at once. */
const SEEN_KEPT = 1_000;
const REQUEST_TIMEOUT_MS = 30_000;
const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

/**
 * An RSS or Atom feed, one poll per session: a conditional GET (If-None-Match with the last
 * ETag, If-Modified-Since with the last Last-Modified), so an unchanged feed costs a 304.
 * Entries are deduplicated by guid/id/link against the ones already delivered, and sent
 * oldest first. A document that is not a feed goes to the DLQ whole.
 */
export class FeedConnector implements SourceConnector<FeedPosition> {
  readonly positionSchema = feedPositionSchema;

  constructor(private readonly source: FeedSource) {}

  async runSession(context: SessionContext<FeedPosition>): Promise<SessionEnd> {
    const { clock, status } = context;
    const previous = context.position ?? { seen: [] };
    const headers: Record<string, string> = {
      accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5',
      'user-agent': 'Tocsin collector',
      ...(previous.etag ? { 'if-none-match': previous.etag } : {}),
      ...(previous.lastModified ? { 'if-modified-since': previous.lastModified } : {}),
    };
    status.enter('reading', clock.now());
    const response = await fetch(this.source.url, {
      headers,
      redirect: 'follow',
      signal: AbortSignal.any([context.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
    }).catch((error: unknown) => {
      throw new SourceUnavailableError(`feed request failed: ${describeRequestError(error)}`, undefined, {
        cause: error,
      });
    });
    if (response.status === 304) {
      await response.body?.cancel();
      return { nextSessionInMs: this.source.every };
    }
    if (!response.ok) {
      await response.body?.cancel();
      const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), clock.now());
      throw new SourceUnavailableError(`feed answered HTTP ${response.status}`, retryAfterMs);
    }
    const declaredBytes = Number(response.headers.get('content-length') ?? 0);
    if (declaredBytes > MAX_DOCUMENT_BYTES) {
      await response.body?.cancel();
      throw new SourceUnavailableError(`feed document of ${declaredBytes} bytes is over ${MAX_DOCUMENT_BYTES}`);
    }
    const xml = await response.text();
    const validators = {
      ...(response.headers.get('etag') ? { etag: response.headers.get('etag') ?? undefined } : {}),
      ...(response.headers.get('last-modified')
        ? { lastModified: response.headers.get('last-modified') ?? undefined }
        : {}),
    };
    const document = parseFeedDocument(xml, this.source.url);
    if (!document.ok) {
      // Dead-lettered once per version of the document: the validators move past it.
      await context.deliver({
        items: [{ item: { kind: 'malformed', reason: document.reason }, raw: xml }],
        position: { ...validators, seen: previous.seen },
      });
      return { nextSessionInMs: this.source.every };
    }
    const seen = new Set(previous.seen);
    const fresh: string[] = [];
    const items: ReadItem[] = [];
    const mappingContext = {
      nowMs: clock.now(),
      maxFutureSkewMs: context.maxFutureSkewMs,
      feedUrl: this.source.url,
      platform: this.source.platform,
      lang: this.source.lang,
    };
    // Feeds list newest first; mentions go out oldest first.
    for (const entry of [...document.entries].reverse()) {
      if (entry.key !== undefined && seen.has(entry.key)) {
        status.count('duplicates');
        continue;
      }
      if (entry.key !== undefined) {
        seen.add(entry.key);
        fresh.push(entry.key);
      }
      items.push({ item: mapFeedEntry(entry, mappingContext), raw: entry.raw });
    }
    const kept = [...fresh.reverse(), ...previous.seen].slice(0, Math.max(SEEN_KEPT, document.entries.length * 2));
    await context.deliver({ items, position: { ...validators, seen: kept } });
    return { nextSessionInMs: this.source.every };
  }
}
