import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Local stand-ins for the public sources, speaking their documented wire formats over real
 * sockets (WebSocket, server-sent events, HTTP with validators), so the collector's own
 * clients are what is tested. Each can refuse with 429 + Retry-After and cut connections.
 */

interface Listening {
  server: Server;
  url: string;
}

async function listen(server: Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

async function close(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Counts connections open at once, to prove a source is never read twice at a time. */
class ConnectionGauge {
  open = 0;
  maxOpen = 0;
  total = 0;

  opened(): void {
    this.open += 1;
    this.total += 1;
    this.maxOpen = Math.max(this.maxOpen, this.open);
  }

  closed(): void {
    this.open -= 1;
  }
}

export interface JetstreamFrame {
  time_us: number;
  [field: string]: unknown;
}

/**
 * A Jetstream instance: `/subscribe?wantedCollections=…&cursor=…` upgrades to a WebSocket that
 * replays every stored event at or after the cursor, then each new one; `/xrpc/app.bsky.actor.getProfiles`
 * answers profiles.
 */
export class JetstreamServer {
  readonly gauge = new ConnectionGauge();
  readonly cursors: Array<string | null> = [];
  readonly collectionsAsked: Array<string | null> = [];
  private readonly frames: Array<{ timeUs: number; text: string }> = [];
  private readonly clients = new Set<WebSocket>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private refusals: Array<{ status: number; retryAfterSeconds?: number }> = [];
  private listening: Listening | undefined;
  private sockets = new Set<Socket>();
  readonly profiles = new Map<string, { handle: string; followersCount: number; displayName?: string }>();

  get url(): string {
    if (!this.listening) throw new Error('Jetstream server not started');
    return `${this.listening.url.replace('http', 'ws')}/subscribe`;
  }

  get httpUrl(): string {
    if (!this.listening) throw new Error('Jetstream server not started');
    return this.listening.url;
  }

  async start(): Promise<this> {
    const server = createServer((request, response) => this.answerHttp(request, response));
    this.sockets = trackSockets(server);
    server.on('upgrade', (request, socket, head) => {
      const refusal = this.refusals.shift();
      if (refusal) {
        const retryAfter =
          refusal.retryAfterSeconds === undefined ? '' : `Retry-After: ${refusal.retryAfterSeconds}\r\n`;
        socket.end(`HTTP/1.1 ${refusal.status} Too Many Requests\r\n${retryAfter}Content-Length: 0\r\n\r\n`);
        return;
      }
      this.wss.handleUpgrade(request, socket, head, (client) => this.accept(client, request));
    });
    this.listening = await listen(server);
    return this;
  }

  private answerHttp(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://local');
    if (url.pathname !== '/xrpc/app.bsky.actor.getProfiles') {
      response.writeHead(404).end();
      return;
    }
    const profiles = url.searchParams.getAll('actors').flatMap((did) => {
      const profile = this.profiles.get(did);
      return profile ? [{ did, ...profile }] : [];
    });
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ profiles }));
  }

  private accept(client: WebSocket, request: IncomingMessage): void {
    const url = new URL(request.url ?? '/', 'http://local');
    const cursor = url.searchParams.get('cursor');
    this.cursors.push(cursor);
    this.collectionsAsked.push(url.searchParams.get('wantedCollections'));
    this.gauge.opened();
    this.clients.add(client);
    client.on('close', () => {
      this.clients.delete(client);
      this.gauge.closed();
    });
    const fromUs = cursor === null ? Number.POSITIVE_INFINITY : Number(cursor);
    for (const frame of this.frames) if (frame.timeUs >= fromUs) client.send(frame.text);
  }

  /** Stores an event and sends it to every connected client. */
  publish(frame: JetstreamFrame | string, timeUs?: number): void {
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    this.frames.push({ timeUs: typeof frame === 'string' ? (timeUs ?? 0) : frame.time_us, text });
    for (const client of this.clients) client.send(text);
  }

  /** The next upgrades are refused with this status (and Retry-After, in seconds). */
  refuseNext(status: number, retryAfterSeconds?: number): void {
    this.refusals.push({ status, retryAfterSeconds });
  }

  /** Cuts every open connection without a close frame, as a network failure would. */
  cutConnections(): void {
    for (const client of this.clients) client.terminate();
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.terminate();
    this.wss.close();
    if (this.listening) await close(this.listening.server, this.sockets);
  }
}

/** Status ids grow like Mastodon's snowflakes. */
let statusCounter = 113130000000000000n;

export function nextStatusId(): string {
  statusCounter += 1n;
  return statusCounter.toString();
}

export interface MastodonStatusFixture {
  id: string;
  [field: string]: unknown;
}

/**
 * A Mastodon instance: `/api/v1/streaming/hashtag?tag=` as server-sent events (`update`
 * events, heartbeat comments) and `/api/v1/timelines/tag/:tag?min_id=&limit=` as JSON pages,
 * newest first, as the API answers them.
 */
export class MastodonServer {
  readonly gauge = new ConnectionGauge();
  readonly catchUpRequests: string[] = [];
  readonly authorizations: Array<string | undefined> = [];
  private readonly statuses: MastodonStatusFixture[] = [];
  private readonly streams = new Set<ServerResponse>();
  private refusals: Array<{ status: number; retryAfterSeconds?: number; pathPrefix: string }> = [];
  private listening: Listening | undefined;
  private sockets = new Set<Socket>();
  private heartbeat: NodeJS.Timeout | undefined;

  get url(): string {
    if (!this.listening) throw new Error('Mastodon server not started');
    return this.listening.url;
  }

  async start(): Promise<this> {
    const server = createServer((request, response) => this.answer(request, response));
    this.sockets = trackSockets(server);
    this.listening = await listen(server);
    this.heartbeat = setInterval(() => {
      for (const stream of this.streams) stream.write(':thump\n\n');
    }, 1_000);
    return this;
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://local');
    this.authorizations.push(request.headers.authorization);
    const refusalIndex = this.refusals.findIndex((refusal) => url.pathname.startsWith(refusal.pathPrefix));
    const [refusal] = refusalIndex === -1 ? [] : this.refusals.splice(refusalIndex, 1);
    if (refusal) {
      const headers =
        refusal.retryAfterSeconds === undefined ? {} : { 'retry-after': String(refusal.retryAfterSeconds) };
      response.writeHead(refusal.status, headers).end(JSON.stringify({ error: 'Too many requests' }));
      return;
    }
    if (url.pathname.startsWith('/api/v1/streaming/')) {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.write(':)\n\n');
      this.gauge.opened();
      this.streams.add(response);
      response.on('close', () => {
        this.streams.delete(response);
        this.gauge.closed();
      });
      return;
    }
    if (url.pathname.startsWith('/api/v1/timelines/')) {
      this.catchUpRequests.push(`${url.pathname}${url.search}`);
      const minId = BigInt(url.searchParams.get('min_id') ?? '0');
      const limit = Number(url.searchParams.get('limit') ?? '20');
      const page = this.statuses
        .filter((status) => BigInt(status.id) > minId)
        .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
        .slice(0, limit)
        .reverse();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(page));
      return;
    }
    response.writeHead(404).end();
  }

  /** Stores a status (for the REST timeline) and streams it as an `update` event when `live`. */
  publish(status: MastodonStatusFixture, live = true): void {
    this.statuses.push(status);
    if (live) this.send('update', JSON.stringify(status));
  }

  /** Sends a raw event to every open stream (a `delete`, or a broken `update`). */
  send(event: string, data: string): void {
    for (const stream of this.streams) stream.write(`event: ${event}\ndata: ${data}\n\n`);
  }

  /** The next request under `pathPrefix` (any, by default) is refused with this status. */
  refuseNext(status: number, retryAfterSeconds?: number, pathPrefix = '/'): void {
    this.refusals.push({ status, retryAfterSeconds, pathPrefix });
  }

  cutConnections(): void {
    for (const stream of this.streams) stream.socket?.destroy();
  }

  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    if (this.listening) await close(this.listening.server, this.sockets);
  }
}

/**
 * A site serving one feed document at `/feed.xml` with an ETag and a Last-Modified; a request
 * carrying the current validators gets 304 Not Modified.
 */
export class FeedServer {
  readonly requests: Array<{ ifNoneMatch?: string; ifModifiedSince?: string; status: number }> = [];
  private document = '';
  private version = 0;
  private lastModified = new Date('2024-09-09T20:00:00Z');
  private refusals: Array<{ status: number; retryAfterSeconds?: number }> = [];
  private listening: Listening | undefined;
  private sockets = new Set<Socket>();

  get url(): string {
    if (!this.listening) throw new Error('feed server not started');
    return `${this.listening.url}/feed.xml`;
  }

  async start(): Promise<this> {
    const server = createServer((request, response) => this.answer(request, response));
    this.sockets = trackSockets(server);
    this.listening = await listen(server);
    return this;
  }

  /** Replaces the document: a new ETag and a later Last-Modified. */
  serve(document: string): void {
    this.document = document;
    this.version += 1;
    this.lastModified = new Date(this.lastModified.getTime() + 60_000);
  }

  refuseNext(status: number, retryAfterSeconds?: number): void {
    this.refusals.push({ status, retryAfterSeconds });
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    const ifNoneMatch = request.headers['if-none-match'];
    const ifModifiedSince = request.headers['if-modified-since'];
    const record = (status: number): void => {
      this.requests.push({ ifNoneMatch, ifModifiedSince, status });
    };
    const refusal = this.refusals.shift();
    if (refusal) {
      record(refusal.status);
      const headers =
        refusal.retryAfterSeconds === undefined ? {} : { 'retry-after': String(refusal.retryAfterSeconds) };
      response.writeHead(refusal.status, headers).end();
      return;
    }
    const etag = `"v${this.version}"`;
    const lastModified = this.lastModified.toUTCString();
    if (ifNoneMatch === etag || (ifNoneMatch === undefined && ifModifiedSince === lastModified)) {
      record(304);
      response.writeHead(304, { etag, 'last-modified': lastModified }).end();
      return;
    }
    record(200);
    response
      .writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag, 'last-modified': lastModified })
      .end(this.document);
  }

  async stop(): Promise<void> {
    if (this.listening) await close(this.listening.server, this.sockets);
  }
}

/** A Jetstream commit event creating a post, as the instance sends it. */
export function jetstreamPost(options: {
  timeUs: number;
  did?: string;
  rkey?: string;
  text: string;
  createdAt?: string;
  langs?: string[];
}): JetstreamFrame {
  return {
    did: options.did ?? 'did:plc:testauthor000000000000',
    time_us: options.timeUs,
    kind: 'commit',
    commit: {
      rev: `rev${options.timeUs}`,
      operation: 'create',
      collection: 'app.bsky.feed.post',
      rkey: options.rkey ?? `post${options.timeUs}`,
      record: {
        $type: 'app.bsky.feed.post',
        createdAt: options.createdAt ?? new Date().toISOString(),
        langs: options.langs ?? ['en'],
        text: options.text,
      },
      cid: `bafy${options.timeUs}`,
    },
  };
}

/** A Mastodon Status entity as the streaming and REST APIs send it. */
export function mastodonStatus(
  instanceUrl: string,
  options: { id?: string; text: string; createdAt?: string },
): MastodonStatusFixture {
  const id = options.id ?? nextStatusId();
  return {
    id,
    created_at: options.createdAt ?? new Date().toISOString(),
    in_reply_to_id: null,
    spoiler_text: '',
    visibility: 'public',
    language: 'en',
    uri: `${instanceUrl}/users/tester/statuses/${id}`,
    url: `${instanceUrl}/@tester/${id}`,
    replies_count: 0,
    reblogs_count: 0,
    favourites_count: 0,
    content: `<p>${options.text}</p>`,
    reblog: null,
    account: {
      id: '1',
      username: 'tester',
      acct: 'tester',
      display_name: 'Tester',
      url: `${instanceUrl}/@tester`,
      followers_count: 10,
    },
  };
}

/** An RSS 2.0 document with these items, newest first as feeds list them. */
export function rssDocument(items: Array<{ guid: string; title: string; link?: string; pubDate?: string }>): string {
  const body = items
    .map(
      (item) => `    <item>
      <title>${item.title}</title>
      <link>${item.link ?? `/articles/${encodeURIComponent(item.guid)}`}</link>
      <guid isPermaLink="false">${item.guid}</guid>${item.pubDate ? `\n      <pubDate>${item.pubDate}</pubDate>` : ''}
    </item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>Local news</title>
    <link>https://news.local/</link>
    <description>Test feed</description>
${body}
  </channel>
</rss>
`;
}
