import type { INestApplicationContext } from '@nestjs/common';
import type { EnrichedMention } from '@tocsin/domain';
import { DLQ_HEADERS } from '@tocsin/kafka';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import type { CollectorHealth } from '../../apps/collector/src/health.controller';
import {
  FeedServer,
  JetstreamServer,
  jetstreamPost,
  MastodonServer,
  mastodonStatus,
  rssDocument,
} from '../support/source-servers';
import { readWholeTopic, TestRun } from '../support/test-infra';
import { signInNewAccount } from '../support/sessions';
import {
  connectSocket,
  startCollector,
  startGateway,
  startPipeline,
  type RunningGateway,
} from '../support/tocsin-apps';
import { waitForEvent, waitUntil } from '../support/wait-for';

let timeUs = Date.now() * 1000;
const nextUs = (): number => (timeUs += 1000);

function writeSourcesFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tocsin-sources-')), 'sources.yaml');
  writeFileSync(file, yaml);
  return file;
}

/** Fast leases and backoffs so hand-overs and retries happen within a test's patience. */
function collectorEnv(run: TestRun, sourcesFile: string, instanceId: string) {
  return run.env({
    SOURCES_FILE: sourcesFile,
    COLLECTOR_INSTANCE_ID: instanceId,
    COLLECTOR_LEASE_MS: '2000',
    COLLECTOR_BACKOFF_BASE_MS: '200',
    COLLECTOR_BACKOFF_MAX_MS: '2000',
  });
}

async function healthOf(collector: RunningGateway): Promise<CollectorHealth> {
  return (await (await fetch(`${collector.url}/health`)).json()) as CollectorHealth;
}

describe('sources → collector → pipeline → gateway', () => {
  const run = new TestRun();
  const jetstream = new JetstreamServer();
  const mastodon = new MastodonServer();
  const feed = new FeedServer();
  let pipeline: INestApplicationContext;
  let gateway: RunningGateway;
  let collector: RunningGateway;
  let wall: Socket;

  beforeAll(async () => {
    await Promise.all([run.createTopics(), jetstream.start(), mastodon.start(), feed.start()]);
    feed.serve(rssDocument([]));
    const sourcesFile = writeSourcesFile(`sources:
  - { id: bluesky, kind: jetstream, url: "${jetstream.url}", keywords: [fleurie cosmetics, '#fleurie'], reconnectAfterSilence: 1m }
  - { id: mastodon, kind: mastodon, instance: "${mastodon.url}", timeline: hashtag, hashtag: fleurie, brandIds: [fleurie] }
  - { id: news, kind: feed, url: "${feed.url}", every: 1s, brandIds: [fleurie] }
`);
    pipeline = await startPipeline(run.env());
    gateway = await startGateway(run.env());
    wall = await connectSocket(
      gateway.url,
      await signInNewAccount(run, gateway.url, {
        username: 'wall',
        personId: 'camille',
        role: 'viewer',
        brandIds: ['fleurie'],
      }),
    );
    await expect(wall.emitWithAck('subscribe', { brandIds: ['fleurie'] })).resolves.toMatchObject({ ok: true });
    collector = await startCollector(collectorEnv(run, sourcesFile, 'solo'));
    await waitUntil(
      'the two streams connected',
      async () => (jetstream.gauge.open === 1 && mastodon.gauge.open === 1 ? true : undefined),
      20_000,
    );
  });

  afterAll(async () => {
    wall?.disconnect();
    await collector?.app.close();
    await gateway?.app.close();
    await pipeline?.close();
    await Promise.all([jetstream.stop(), mastodon.stop(), feed.stop()]);
    await run.cleanUp();
  });

  it("brings each connector's items to the wall", async () => {
    const post = jetstreamPost({ timeUs: nextUs(), text: 'Fleurie Cosmetics burnt my skin, never again 😡' });
    const toot = mastodonStatus(mastodon.url, {
      text: 'My <a href="x">#fleurie</a> order is lost &amp; support is silent',
    });
    const onWall = (id: string) => waitForEvent<EnrichedMention>(wall, 'mention.created', (m) => m.id === id, 30_000);
    const [fromBluesky, fromMastodon, fromNews] = await Promise.all([
      onWall(`at://${String(post.did)}/app.bsky.feed.post/post${post.time_us}`),
      onWall(toot.uri as string),
      onWall('press-1'),
      Promise.resolve().then(() => {
        jetstream.publish(jetstreamPost({ timeUs: nextUs(), text: 'Nothing about any brand here' }));
        jetstream.publish(post);
        mastodon.publish(toot);
        // Served once the wall listens: the next poll (every second) finds it.
        feed.serve(
          rssDocument([
            { guid: 'press-1', title: 'Fleurie Cosmetics recalls a serum', pubDate: new Date().toUTCString() },
            { guid: 'press-1', title: 'Fleurie Cosmetics recalls a serum (dup)', pubDate: new Date().toUTCString() },
          ]),
        );
      }),
    ]);
    expect(fromBluesky).toMatchObject({ platform: 'bluesky', brandIds: ['fleurie'], sentiment: { label: 'negative' } });
    expect(fromMastodon).toMatchObject({
      platform: 'mastodon',
      text: 'My #fleurie order is lost & support is silent',
      author: { handle: `@tester@${new URL(mastodon.url).host}` },
    });
    expect(fromNews).toMatchObject({ platform: 'news', url: 'https://news.local/articles/press-1' });
  });

  it('survives a 429 and a cut connection on each stream, losing nothing', async () => {
    jetstream.refuseNext(429, 1);
    mastodon.refuseNext(429, 1);
    jetstream.cutConnections();
    mastodon.cutConnections();
    const post = jetstreamPost({ timeUs: nextUs(), text: 'Fleurie Cosmetics, still waiting for a refund' });
    jetstream.publish(post); // stored while the collector is away: replayed from its cursor
    const missed = mastodonStatus(mastodon.url, { text: 'Day three without an answer #fleurie' });
    mastodon.publish(missed, false); // only the REST timeline has it: caught up after the gap
    await Promise.all([
      waitForEvent<EnrichedMention>(
        wall,
        'mention.created',
        (m) => m.id === `at://${String(post.did)}/app.bsky.feed.post/post${post.time_us}`,
        30_000,
      ),
      waitForEvent<EnrichedMention>(wall, 'mention.created', (m) => m.id === missed.uri, 30_000),
    ]);
    const health = await healthOf(collector);
    const byId = new Map(health.sources.map((source) => [source.id, source]));
    for (const id of ['bluesky', 'mastodon']) {
      expect(byId.get(id)?.counts.rateLimited).toBeGreaterThanOrEqual(1);
      expect(byId.get(id)?.counts.retries).toBeGreaterThanOrEqual(2);
    }
    expect(mastodon.catchUpRequests.length).toBeGreaterThanOrEqual(1);
  });

  it('shows per-source state on /health and dead-letters malformed items with their bytes', async () => {
    jetstream.publish('{"did":"did:plc:x","time_us":', nextUs());
    const dlq = await waitUntil(
      'the cut frame in mentions.dlq',
      async () => {
        const letters = await readWholeTopic(run, run.topic('mentions.dlq'), 10_000);
        return letters.find((letter) => letter.value?.toString() === '{"did":"did:plc:x","time_us":');
      },
      20_000,
    );
    expect(dlq.headers?.[DLQ_HEADERS.reason]?.toString()).toMatch(/^jetstream source bluesky: frame is not JSON/);
    const health = await healthOf(collector);
    expect(health.instance).toBe('solo');
    expect(health.sources.map((source) => [source.id, source.holder])).toEqual([
      ['bluesky', 'solo'],
      ['mastodon', 'solo'],
      ['news', 'solo'],
    ]);
    expect(health.sources.find((source) => source.id === 'news')?.counts.duplicates).toBeGreaterThanOrEqual(1);
    // The off-topic post, read once and again in the resume rewind after the cut.
    expect(health.sources.find((source) => source.id === 'bluesky')?.counts.filtered).toBeGreaterThanOrEqual(1);
    expect(feed.requests.filter((request) => request.status === 304).length).toBeGreaterThanOrEqual(1);
  });
});
