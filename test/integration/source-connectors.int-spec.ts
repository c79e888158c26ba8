import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { systemClock } from '@tocsin/domain';
import { feedSourceSchema, jetstreamSourceSchema, mastodonSourceSchema, type SourceItem } from '@tocsin/sources';
import { FeedConnector, type FeedPosition } from '../../apps/collector/src/connectors/feed.connector';
import { JetstreamConnector, type JetstreamPosition } from '../../apps/collector/src/connectors/jetstream.connector';
import { MastodonConnector, type MastodonPosition } from '../../apps/collector/src/connectors/mastodon.connector';
import {
  SourceUnavailableError,
  type SessionEnd,
  type SourceBatch,
  type SourceConnector,
} from '../../apps/collector/src/connectors/source-connector';
import { SourceStatus } from '../../apps/collector/src/source-status';
import {
  FeedServer,
  JetstreamServer,
  jetstreamPost,
  MastodonServer,
  mastodonStatus,
  rssDocument,
} from '../support/source-servers';
import { holds, waitUntil } from '../support/wait-for';

const fixtures = resolve(__dirname, '../fixtures/sources');

/** A connector session whose deliveries are kept in memory, the way the runner drives it. */
function session<P>(connector: SourceConnector<P>, status: SourceStatus, position: P | undefined) {
  const abort = new AbortController();
  const batches: Array<SourceBatch<P>> = [];
  const ended: Promise<SessionEnd> = connector.runSession({
    signal: abort.signal,
    position,
    status,
    clock: systemClock,
    maxFutureSkewMs: 300_000,
    deliver: async (batch) => {
      batches.push(batch);
    },
  });
  // Assertions below inspect how it ended; an unobserved rejection must not crash the run.
  ended.catch(() => undefined);
  const items = (): SourceItem[] => batches.flatMap((batch) => batch.items.map(({ item }) => item));
  const mentions = () => items().flatMap((item) => (item.kind === 'mention' ? [item.mention] : []));
  const lastPosition = (): P | undefined => batches[batches.length - 1]?.position;
  return { abort, batches, ended, items, mentions, lastPosition };
}

describe(JetstreamConnector.name, () => {
  let server: JetstreamServer;
  const source = () =>
    jetstreamSourceSchema.parse({
      id: 'bluesky-test',
      kind: 'jetstream',
      url: server.url,
      keywords: ['fleurie'],
      profilesUrl: server.httpUrl,
    });

  beforeEach(async () => {
    server = await new JetstreamServer().start();
  });
  afterEach(() => server.stop());

  it('reads recorded frames: posts, replies, identity handles, profiles, malformed frames', async () => {
    const recorded = readFileSync(resolve(fixtures, 'jetstream-frames.jsonl'), 'utf8').split('\n').filter(Boolean);
    server.profiles.set('did:plc:ufbl4k27gp6kzas5glhz7fim', { handle: 'sam.bsky.social', followersCount: 321 });
    const connector = new JetstreamConnector(source());
    const run = session<JetstreamPosition>(connector, new SourceStatus(source()), undefined);
    await waitUntil('the socket', async () => (server.gauge.open === 1 ? true : undefined), 5_000);
    recorded.forEach((frame, index) => server.publish(frame, 1725911162329308 + index));
    await waitUntil(
      'every frame delivered',
      holds(() => run.items().length >= 7),
      5_000,
    );

    expect(server.collectionsAsked).toEqual(['app.bsky.feed.post']);
    const kinds = run.items().map((item) => item.kind);
    expect(kinds.filter((kind) => kind === 'malformed')).toHaveLength(2);
    const reply = run.mentions().find((mention) => mention.inReplyTo !== undefined);
    expect(reply?.author).toEqual({
      id: 'did:plc:ufbl4k27gp6kzas5glhz7fim',
      handle: '@sam.bsky.social',
      followers: 321,
    });
    const first = run.mentions()[0];
    expect(first?.author.handle).toBe('@camille.bsky.social');
    expect(run.lastPosition()).toEqual({ cursorUs: 1725911162339500 });
    run.abort.abort();
    await expect(run.ended).resolves.toEqual({ nextSessionInMs: 0 });
  });

  it('resumes a few seconds before its cursor after a cut connection, missing nothing', async () => {
    const connector = new JetstreamConnector(source());
    const status = new SourceStatus(source());
    const baseUs = 1_725_911_162_000_000;
    const post = (i: number) => jetstreamPost({ timeUs: baseUs + i * 1_000_000, text: `Fleurie post ${i}` });
    const first = session<JetstreamPosition>(connector, status, undefined);
    await waitUntil('the socket', async () => (server.gauge.open === 1 ? true : undefined), 5_000);
    for (let i = 1; i <= 5; i += 1) server.publish(post(i));
    await waitUntil(
      'five posts',
      holds(() => first.mentions().length === 5),
      5_000,
    );
    server.cutConnections();
    await expect(first.ended).rejects.toBeInstanceOf(SourceUnavailableError);
    expect(first.lastPosition()).toEqual({ cursorUs: baseUs + 5_000_000 });
    for (let i = 6; i <= 8; i += 1) server.publish(post(i));

    const second = session<JetstreamPosition>(connector, status, first.lastPosition());
    await waitUntil(
      'the posts since the rewound cursor',
      holds(() => second.mentions().length === 7),
      5_000,
    );
    expect(server.cursors).toEqual([null, String(baseUs + 2_000_000)]);
    expect(second.mentions().map((mention) => mention.text)).toEqual(
      [2, 3, 4, 5, 6, 7, 8].map((i) => `Fleurie post ${i}`),
    );
    second.abort.abort();
    await second.ended;
  });

  it('reports a refused upgrade with the Retry-After it asked', async () => {
    server.refuseNext(429, 7);
    const run = session<JetstreamPosition>(new JetstreamConnector(source()), new SourceStatus(source()), undefined);
    await expect(run.ended).rejects.toMatchObject({ retryAfterMs: 7_000, message: expect.stringMatching(/HTTP 429/) });
  });

  it('reconnects a socket that went silent', async () => {
    const quiet = jetstreamSourceSchema.parse({ ...source(), reconnectAfterSilence: '300ms' });
    const run = session<JetstreamPosition>(new JetstreamConnector(quiet), new SourceStatus(quiet), undefined);
    await expect(run.ended).rejects.toThrow(/no event for 300 ms/);
  });
});

describe(MastodonConnector.name, () => {
  let server: MastodonServer;
  const source = () =>
    mastodonSourceSchema.parse({
      id: 'mastodon-test',
      kind: 'mastodon',
      instance: server.url,
      timeline: 'hashtag',
      hashtag: 'fleurie',
      accessTokenEnv: 'TEST_MASTODON_TOKEN',
    });
  const environment = { TEST_MASTODON_TOKEN: 'secret-token' };

  beforeEach(async () => {
    server = await new MastodonServer().start();
  });
  afterEach(() => server.stop());

  it('reads update events from the stream, with the token, and dead-letters a broken one', async () => {
    const recorded: Array<{ id: string }> = JSON.parse(
      readFileSync(resolve(fixtures, 'mastodon-statuses.json'), 'utf8'),
    );
    const run = session<MastodonPosition>(
      new MastodonConnector(source(), environment),
      new SourceStatus(source()),
      undefined,
    );
    await waitUntil('the stream', async () => (server.gauge.open === 1 ? true : undefined), 5_000);
    for (const status of recorded) server.publish(status);
    server.send('delete', '113130000000000001');
    server.send('update', '{"id": "1", "content": "cut');
    await waitUntil(
      'four items',
      holds(() => run.items().length === 4),
      5_000,
    );
    expect(run.items().map((item) => item.kind)).toEqual(['mention', 'mention', 'skipped', 'malformed']);
    expect(run.mentions()[0]?.text).toContain('#Fleurie');
    expect(server.authorizations[0]).toBe('Bearer secret-token');
    expect(run.lastPosition()).toEqual({ lastId: '113130000000000003' });
    run.abort.abort();
    await expect(run.ended).resolves.toEqual({ nextSessionInMs: 0 });
  });

  it('catches up over REST after a cut stream, then streams, each status once', async () => {
    const connector = new MastodonConnector(source(), environment);
    const status = new SourceStatus(source());
    const first = session<MastodonPosition>(connector, status, undefined);
    await waitUntil('the stream', async () => (server.gauge.open === 1 ? true : undefined), 5_000);
    server.publish(mastodonStatus(server.url, { text: 'fleurie one' }));
    await waitUntil(
      'one status',
      holds(() => first.mentions().length === 1),
      5_000,
    );
    server.cutConnections();
    await expect(first.ended).rejects.toBeInstanceOf(SourceUnavailableError);
    // Posted while disconnected: only the REST timeline has them (45 spans two pages of 40).
    for (let i = 0; i < 45; i += 1) server.publish(mastodonStatus(server.url, { text: `fleurie missed ${i}` }), false);

    const second = session<MastodonPosition>(connector, status, first.lastPosition());
    await waitUntil(
      'the missed statuses',
      holds(() => second.mentions().length === 45),
      10_000,
    );
    server.publish(mastodonStatus(server.url, { text: 'fleurie live again' }));
    await waitUntil(
      'the live status',
      holds(() => second.mentions().length === 46),
      5_000,
    );
    const texts = second.mentions().map((mention) => mention.text);
    expect(texts.slice(0, 2)).toEqual(['fleurie missed 0', 'fleurie missed 1']);
    expect(new Set(texts).size).toBe(46);
    expect(server.catchUpRequests[0]).toMatch(/^\/api\/v1\/timelines\/tag\/fleurie\?min_id=\d+&limit=40$/);
    second.abort.abort();
    await second.ended;
  });

  it('streams from the streaming host the instance names, keeping the token', async () => {
    const split = mastodonSourceSchema.parse({
      ...source(),
      instance: 'https://mastodon.example',
      streamingUrl: server.url.replace('http:', 'ws:'),
    });
    const run = session<MastodonPosition>(
      new MastodonConnector(split, environment),
      new SourceStatus(split),
      undefined,
    );
    await waitUntil('the stream', async () => (server.gauge.open === 1 ? true : undefined), 5_000);
    server.publish(mastodonStatus('https://mastodon.example', { text: 'fleurie via the streaming host' }));
    await waitUntil(
      'the status',
      holds(() => run.mentions().length === 1),
      5_000,
    );
    expect(server.authorizations).toEqual(['Bearer secret-token']);
    run.abort.abort();
    await run.ended;
  });

  it('reports a 429 on the catch-up with its Retry-After, the stream already open', async () => {
    server.refuseNext(429, 2, '/api/v1/timelines/');
    const position = { lastId: '113130000000000001' };
    const run = session<MastodonPosition>(
      new MastodonConnector(source(), environment),
      new SourceStatus(source()),
      position,
    );
    await expect(run.ended).rejects.toMatchObject({
      retryAfterMs: 2_000,
      message: 'timeline catch-up answered HTTP 429',
    });
    await waitUntil(
      'the stream closed',
      holds(() => server.gauge.open === 0),
      5_000,
    );
  });

  it('reports 429 with its Retry-After', async () => {
    server.refuseNext(429, 3);
    const run = session<MastodonPosition>(
      new MastodonConnector(source(), environment),
      new SourceStatus(source()),
      undefined,
    );
    await expect(run.ended).rejects.toMatchObject({ retryAfterMs: 3_000 });
  });
});

describe(FeedConnector.name, () => {
  let server: FeedServer;
  const source = () => feedSourceSchema.parse({ id: 'feed-test', kind: 'feed', url: server.url, every: '1m' });

  beforeEach(async () => {
    server = await new FeedServer().start();
  });
  afterEach(() => server.stop());

  async function poll(position: FeedPosition | undefined, status = new SourceStatus(source())) {
    const run = session<FeedPosition>(new FeedConnector(source()), status, position);
    const end = await run.ended;
    return { ...run, end };
  }

  it('reads the recorded RSS document once, deduplicates guids, then polls conditionally', async () => {
    server.serve(readFileSync(resolve(fixtures, 'feed-rss.xml'), 'utf8'));
    const status = new SourceStatus(source());
    const first = await poll(undefined, status);
    expect(first.end).toEqual({ nextSessionInMs: 60_000 });
    expect(first.items().map((item) => item.kind)).toEqual(['mention', 'malformed', 'mention', 'mention']);
    expect(status.counts.duplicates).toBe(1);
    expect(first.mentions().map((mention) => mention.url)).toContain(
      new URL('/2024/09/fleurie-rappel', 'https://news.example/').toString(),
    );

    const second = await poll(first.lastPosition());
    expect(second.batches).toEqual([]);
    expect(server.requests.map((request) => request.status)).toEqual([200, 304]);
    expect(server.requests[1]).toMatchObject({ ifNoneMatch: '"v1"' });
  });

  it('delivers only the new entries of a changed feed', async () => {
    server.serve(rssDocument([{ guid: 'a', title: 'Fleurie A' }]));
    const first = await poll(undefined);
    server.serve(
      rssDocument([
        { guid: 'b', title: 'Fleurie B' },
        { guid: 'a', title: 'Fleurie A' },
      ]),
    );
    const second = await poll(first.lastPosition());
    expect(second.mentions().map((mention) => mention.id)).toEqual(['b']);
    expect(second.lastPosition()?.seen).toEqual(['b', 'a']);
  });

  it('reports 429 with its Retry-After and dead-letters a document that is not a feed', async () => {
    server.refuseNext(429, 120);
    await expect(poll(undefined)).rejects.toMatchObject({ retryAfterMs: 120_000 });
    server.serve('<html><body>maintenance</body></html>');
    const broken = await poll(undefined);
    expect(broken.items()).toEqual([{ kind: 'malformed', reason: 'root element <html> is not rss, feed or rdf:RDF' }]);
    expect(broken.batches[0]?.items[0]?.raw).toContain('maintenance');
  });
});
