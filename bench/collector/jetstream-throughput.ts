import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCollectorApp } from '../../apps/collector/src/collector.app';
import { loadCollectorConfig } from '../../apps/collector/src/config';
import { JetstreamServer, jetstreamPost } from '../../test/support/source-servers';
import { readWholeTopic, TestRun } from '../../test/support/test-infra';

const USAGE = 'usage: npm run -s bench:collector -- [--events N] [--matching 0.05]  (KAFKA_BROKERS, REDIS_URL)';

function readArgs(args: readonly string[]): { events: number; matching: number } | undefined {
  const options = { events: 50_000, matching: 0.05 };
  for (let i = 0; i < args.length; i += 1) {
    const value = Number(args[i + 1]);
    if (args[i] === '--') continue;
    if (args[i] === '--events' && Number.isInteger(value) && value > 0) options.events = value;
    else if (args[i] === '--matching' && value >= 0 && value <= 1) options.matching = value;
    else return undefined;
    i += 1;
  }
  return options;
}

/**
 * How fast one collector turns a Jetstream backlog into mentions.raw: a local Jetstream server
 * holds N post events (a share of them naming the brand), the collector connects with a cursor
 * at the first one, and the clock stops when its checkpoint reaches the last. Real Kafka and
 * Redis; the figure includes parsing, keyword filtering, producing with acks=all and
 * checkpointing.
 */
async function main(): Promise<void> {
  const options = readArgs(process.argv.slice(2));
  if (!options) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const run = new TestRun();
  const server = await new JetstreamServer().start();
  const firstUs = Date.now() * 1000;
  let matching = 0;
  for (let i = 0; i < options.events; i += 1) {
    const names = i % Math.max(1, Math.round(1 / options.matching)) === 0 && options.matching > 0;
    if (names) matching += 1;
    const text = names ? `Fleurie Cosmetics post ${i}, what a disappointment` : `Just an ordinary post number ${i}`;
    server.publish(jetstreamPost({ timeUs: firstUs + i, did: `did:plc:author${i % 997}`, text }));
  }
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-bench-'));
  const sourcesFile = join(dir, 'sources.yaml');
  writeFileSync(
    sourcesFile,
    `sources:\n  - { id: bench, kind: jetstream, url: "${server.url}", keywords: [fleurie cosmetics] }\n`,
  );
  await run.createTopics();
  // Resume just before the backlog, as after a restart: the server replays all of it at once.
  await run.redis.set(
    `${run.keyPrefix}collector:checkpoint:bench`,
    JSON.stringify({ position: { cursorUs: firstUs - 1 } }),
  );
  const app = await createCollectorApp(
    loadCollectorConfig(run.env({ SOURCES_FILE: sourcesFile, COLLECTOR_INSTANCE_ID: 'bench', LOG_LEVEL: 'error' })),
  );
  const started = performance.now();
  await app.listen(0, '127.0.0.1');
  const lastUs = firstUs + options.events - 1;
  for (;;) {
    const stored = await run.redis.get(`${run.keyPrefix}collector:checkpoint:bench`);
    if (stored && (JSON.parse(stored) as { position: { cursorUs: number } }).position.cursorUs >= lastUs) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  await app.close();
  const produced = (await readWholeTopic(run, run.topic('mentions.raw'), 60_000)).length;
  console.log(
    `${options.events} events (${matching} naming the brand) in ${seconds.toFixed(2)} s: ` +
      `${Math.round(options.events / seconds)} events/s, ${produced} mentions in mentions.raw`,
  );
  await server.stop();
  await run.cleanUp();
}

void main();
