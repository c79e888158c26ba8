import type { INestApplicationContext } from '@nestjs/common';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { KafkaMessage } from 'kafkajs';
import { RESUME_REWIND_US } from '../../apps/collector/src/connectors/jetstream.connector';
import type { CollectorHealth } from '../../apps/collector/src/health.controller';
import {
  FeedServer,
  JetstreamServer,
  jetstreamPost,
  MastodonServer,
  mastodonStatus,
  rssDocument,
} from '../support/source-servers';
import { isGroupCaughtUp, readWholeTopic, TestRun } from '../support/test-infra';
import { startCollector, startPipeline, type RunningGateway } from '../support/tocsin-apps';
import { holds, waitUntil } from '../support/wait-for';

const ROOT = resolve(__dirname, '../..');
const COLLECTOR_ENTRY = resolve(ROOT, 'dist/apps/collector/apps/collector/src/main.js');

function writeSourcesFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tocsin-sources-')), 'sources.yaml');
  writeFileSync(file, yaml);
  return file;
}

function collectorEnv(run: TestRun, sourcesFile: string, instanceId: string): Record<string, string | undefined> {
  return run.env({
    SOURCES_FILE: sourcesFile,
    COLLECTOR_INSTANCE_ID: instanceId,
    COLLECTOR_PORT: '0',
    COLLECTOR_HOST: '127.0.0.1',
    COLLECTOR_LEASE_MS: '2000',
    COLLECTOR_BACKOFF_BASE_MS: '200',
    COLLECTOR_BACKOFF_MAX_MS: '2000',
  });
}

/** How many times each mention id occurs in a topic's records. */
function countIds(messages: KafkaMessage[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of messages) {
    const id = (JSON.parse(message.value?.toString() ?? '{}') as { id?: string }).id ?? '';
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

async function healthOf(collector: RunningGateway): Promise<CollectorHealth> {
  return (await (await fetch(`${collector.url}/health`)).json()) as CollectorHealth;
}

describe('collectors sharing and taking over sources', () => {
  const run = new TestRun();
  let pipeline: INestApplicationContext;

  beforeAll(async () => {
    if (!existsSync(COLLECTOR_ENTRY)) throw new Error('apps are not built: run `npm run build` (npm test does)');
    await run.createTopics();
    pipeline = await startPipeline(run.env());
  });

  afterAll(async () => {
    await pipeline?.close();
    await run.cleanUp();
  });

  /** Runs the built collector as a process and collects what it prints. */
  function startProcess(env: Record<string, string | undefined>) {
    const child = spawn(process.execPath, [COLLECTOR_ENTRY], { cwd: ROOT, env: { ...env, LOG_LEVEL: 'log' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on('exit', (code, signal) => done({ code, signal })),
    );
    return { child, exited, output: () => output };
  }

  it('refuses to start on an invalid sources file, naming the file and the path', async () => {
    const file = writeSourcesFile('sources:\n  - { id: news, kind: feed, url: "ftp://x.example/feed" }\n');
    const started = startProcess(collectorEnv(run, file, 'invalid'));
    expect((await started.exited).code).toBe(1);
    expect(started.output()).toContain(`${file}: sources[0].url: expected a http or https URL`);
  });

  it('stops gracefully on SIGTERM, giving its sources back', async () => {
    const feed = await new FeedServer().start();
    feed.serve(rssDocument([{ guid: 'g1', title: 'Fleurie Cosmetics news' }]));
    const file = writeSourcesFile(`sources:\n  - { id: polite, kind: feed, url: "${feed.url}", every: 1s }\n`);
    const leaseKey = `${run.keyPrefix}collector:lease:polite`;
    try {
      const started = startProcess(collectorEnv(run, file, 'polite'));
      await waitUntil(
        'the lease taken',
        async () => ((await run.redis.get(leaseKey)) === 'polite' ? true : undefined),
        60_000,
      );
      await waitUntil(
        'a first poll',
        holds(() => feed.requests.length > 0),
        20_000,
      );
      started.child.kill('SIGTERM');
      expect((await started.exited).signal).toBe('SIGTERM');
      expect(started.output()).toContain('collector stopped cleanly');
      expect(await run.redis.get(leaseKey)).toBeNull();
    } finally {
      await feed.stop();
    }
  });

  it('resumes from the checkpoint after a kill -9 mid-stream: no loss, no duplicate in mentions.enriched', async () => {
    const jetstream = await new JetstreamServer().start();
    const total = 800;
    // Event times 10 ms apart, as they are published: the resume rewind spans 300 posts.
    const SPACING_US = 10_000;
    const baseUs = Date.now() * 1000;
    const ids: string[] = [];
    let published = 0;
    let firehose: NodeJS.Timeout | undefined;
    // A live firehose: one post every 10 ms, going on while the collector dies and is replaced.
    const startFirehose = (): void => {
      firehose = setInterval(() => {
        if (published >= total) return clearInterval(firehose);
        const post = jetstreamPost({
          timeUs: baseUs + published * SPACING_US,
          text: `Fleurie Cosmetics stream post ${published}`,
        });
        ids.push(`at://${String(post.did)}/app.bsky.feed.post/post${post.time_us}`);
        jetstream.publish(post);
        published += 1;
      }, 10);
    };
    const sourcesFile = writeSourcesFile(
      `sources:\n  - { id: bluesky, kind: jetstream, url: "${jetstream.url}", keywords: [fleurie cosmetics] }\n`,
    );
    const checkpointKey = `${run.keyPrefix}collector:checkpoint:bluesky`;
    const cursorUs = async (): Promise<number> => {
      const stored = await run.redis.get(checkpointKey);
      return stored ? (JSON.parse(stored) as { position: { cursorUs: number } }).position.cursorUs : 0;
    };
    let first: ChildProcessWithoutNullStreams | undefined;
    let second: ChildProcessWithoutNullStreams | undefined;
    try {
      first = spawn(process.execPath, [COLLECTOR_ENTRY], { cwd: ROOT, env: collectorEnv(run, sourcesFile, 'first') });
      // A source read for the first time starts from "now": the stream begins once it listens.
      await waitUntil(
        'the first collector connected',
        holds(() => jetstream.gauge.open === 1),
        60_000,
      );
      startFirehose();
      await waitUntil(
        '400 posts checkpointed',
        async () => ((await cursorUs()) >= baseUs + 400 * SPACING_US ? true : undefined),
        60_000,
      );
      const exited = new Promise<NodeJS.Signals | null>((done) => first?.on('exit', (_code, signal) => done(signal)));
      first.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const cursorAtKill = await cursorUs();
      expect(published).toBeLessThan(total);

      second = spawn(process.execPath, [COLLECTOR_ENTRY], { cwd: ROOT, env: collectorEnv(run, sourcesFile, 'second') });
      await waitUntil(
        'the firehose done',
        holds(() => published >= total),
        30_000,
      );
      await waitUntil(
        'every post checkpointed',
        async () => ((await cursorUs()) >= baseUs + (total - 1) * SPACING_US ? true : undefined),
        60_000,
      );
      expect(jetstream.cursors[1]).toBe(String(cursorAtKill - RESUME_REWIND_US));
      expect(jetstream.gauge.maxOpen).toBe(1);

      const rawTopic = run.topic('mentions.raw');
      await waitUntil(
        'the pipeline through mentions.raw',
        async () => ((await isGroupCaughtUp(run.kafka, `${run.id}-pipeline-enrichment`, rawTopic)) ? true : undefined),
        60_000,
      );
      const enriched = countIds(await readWholeTopic(run, run.topic('mentions.enriched'), 30_000));
      expect(ids.filter((id) => enriched.get(id) !== 1)).toEqual([]);
      const ofThisStream = [...enriched.keys()].filter((id) => id.startsWith('at://did:plc:testauthor'));
      expect(ofThisStream).toHaveLength(total);
    } finally {
      clearInterval(firehose);
      first?.kill('SIGKILL');
      second?.kill('SIGTERM');
      await jetstream.stop();
    }
  });

  it('shares sources between two collectors without reading one twice, and takes them all back when one stops', async () => {
    const streams = [await new JetstreamServer().start(), await new JetstreamServer().start()];
    const instances = [await new MastodonServer().start(), await new MastodonServer().start()];
    const sourcesFile = writeSourcesFile(`sources:
  - { id: jet-a, kind: jetstream, url: "${streams[0]?.url}", keywords: [fleurie cosmetics] }
  - { id: jet-b, kind: jetstream, url: "${streams[1]?.url}", keywords: [fleurie cosmetics] }
  - { id: masto-a, kind: mastodon, instance: "${instances[0]?.url}", timeline: hashtag, hashtag: fleurie }
  - { id: masto-b, kind: mastodon, instance: "${instances[1]?.url}", timeline: hashtag, hashtag: fleurie }
`);
    const expected: string[] = [];
    let n = 0;
    const publishEverywhere = (): void => {
      for (const [index, server] of streams.entries()) {
        const did = `did:plc:author${index}`;
        const post = jetstreamPost({ did, timeUs: Date.now() * 1000 + n, text: `Fleurie Cosmetics shared ${n}` });
        expected.push(`at://${String(post.did)}/app.bsky.feed.post/post${post.time_us}`);
        server.publish(post);
      }
      for (const server of instances) {
        const status = mastodonStatus(server.url, { text: `#fleurie shared ${n}` });
        expected.push(status.uri as string);
        server.publish(status);
      }
      n += 1;
    };
    let feeder: NodeJS.Timeout | undefined;
    const collectors: RunningGateway[] = [];
    const holders = async (): Promise<string[]> =>
      (await Promise.all(collectors.map(healthOf))).map((health) =>
        health.sources
          .filter((source) => source.holder === health.instance)
          .map((source) => source.id)
          .join(','),
      );
    try {
      collectors.push(await startCollector(collectorEnv(run, sourcesFile, 'alpha')));
      await waitUntil(
        'alpha reading all four',
        async () => ((await holders())[0]?.split(',').length === 4 ? true : undefined),
        20_000,
      );
      const connected = (): boolean => [...streams, ...instances].every((server) => server.gauge.open === 1);
      await waitUntil('alpha connected to all four', holds(connected), 20_000);
      // Sources read for the first time start from "now": items flow once they are listened to.
      feeder = setInterval(publishEverywhere, 50);
      collectors.push(await startCollector(collectorEnv(run, sourcesFile, 'beta')));
      const split = await waitUntil(
        'two sources each',
        async () => {
          const held = await holders();
          return held.every((ids) => ids.split(',').filter(Boolean).length === 2) ? held : undefined;
        },
        20_000,
      );
      expect(split.join(',').split(',').sort()).toEqual(['jet-a', 'jet-b', 'masto-a', 'masto-b']);

      await collectors[0]?.app.close();
      collectors.shift();
      await waitUntil(
        'beta reading all four',
        async () => ((await holders())[0]?.split(',').length === 4 ? true : undefined),
        20_000,
      );
      clearInterval(feeder);
      publishEverywhere();

      for (const server of [...streams, ...instances]) expect(server.gauge.maxOpen).toBe(1);
      await waitUntil(
        'every item in mentions.raw',
        async () => {
          const counts = countIds(await readWholeTopic(run, run.topic('mentions.raw'), 20_000));
          return expected.every((id) => counts.has(id)) ? true : undefined;
        },
        30_000,
      );
      await waitUntil(
        'the pipeline through mentions.raw',
        async () =>
          (await isGroupCaughtUp(run.kafka, `${run.id}-pipeline-enrichment`, run.topic('mentions.raw')))
            ? true
            : undefined,
        60_000,
      );
      // Jetstream resumes a few seconds early after a hand-over: mentions.raw may hold those twice.
      const enriched = countIds(await readWholeTopic(run, run.topic('mentions.enriched'), 30_000));
      expect(expected.filter((id) => enriched.get(id) !== 1).map((id) => `${id} ${enriched.get(id)}`)).toEqual([]);
    } finally {
      clearInterval(feeder);
      for (const collector of collectors) await collector.app.close();
      await Promise.all([...streams, ...instances].map((server) => server.stop()));
    }
  });
});
