import { AlertActions } from '@tocsin/alert-actions';
import type { TriggerHit } from '@tocsin/crisis-plan';
import { systemClock } from '@tocsin/domain';
import { PlanSource } from '@tocsin/plan-source';
import { AlertStore, OutboxStore, RedisKeys, SilenceStore } from '@tocsin/redis';
import Redis from 'ioredis';
import { loadavg } from 'node:os';

const USAGE = 'usage: REDIS_URL=redis://… npx tsx bench/e2e/alert-storm.ts [--hits N] [--batch N]';
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** A crisis storm: every hit a distinct negative mention, over a handful of alert groups of two brands. */
function stormHits(count: number, runId: string): TriggerHit[] {
  const triggers = [
    { triggerId: 'influencer-negative', triggerKind: 'influential-negative', level: 'alert' },
    { triggerId: 'crisis-words', triggerKind: 'crisis-vocabulary', level: 'alert' },
    { triggerId: 'negative-share', triggerKind: 'negative-share', level: 'alert', group: 'bad-buzz' },
  ] as const;
  const nowMs = Date.now();
  return Array.from({ length: count }, (_, i): TriggerHit => {
    const trigger = triggers[i % triggers.length] ?? triggers[0];
    return {
      kind: 'trigger',
      triggerId: trigger.triggerId,
      triggerKind: trigger.triggerKind,
      brandId: i % 2 === 0 ? 'voltaway' : 'fleurie',
      level: trigger.level,
      group: 'group' in trigger ? trigger.group : trigger.triggerId,
      planVersion: '2026.11-1',
      reason: `storm hit ${i}`,
      evidence: { mentionKey: `twitter:${runId}-${i}`, author: `@fan${i}`, followers: 200_000 },
      atMs: nowMs + i,
    };
  });
}

/**
 * Hits per second AlertActions absorbs on real Redis, one transaction per hit (handleHit, as
 * the alerter did) against one per alert group of each batch (handleHits, as it does now).
 * Each way gets its own key prefix, so both start from no alert.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  let count = 2_000;
  let batchSize = 100;
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--hits' && args[i + 1]) count = Number(args[(i += 1)]);
    else if (args[i] === '--batch' && args[i + 1]) batchSize = Number(args[(i += 1)]);
    else throw new Error(USAGE);
  }
  const url = process.env.REDIS_URL;
  if (!url) throw new Error(USAGE);
  const redis = new Redis(url);
  const plan = new PlanSource('config/crisis-plan.example.yaml', quiet);
  await plan.start({ watch: false });
  const runId = `storm-${Date.now().toString(36)}`;
  const actionsFor = (prefix: string): AlertActions => {
    const keys = new RedisKeys(`${runId}-${prefix}:`);
    const outbox = new OutboxStore(redis, keys);
    return new AlertActions(
      new AlertStore(redis, keys, outbox),
      new SilenceStore(redis, keys),
      plan,
      systemClock,
      { consoleUrl: 'http://127.0.0.1/console.html', alertWebhookUrl: 'http://127.0.0.1:9/pager' },
      quiet,
    );
  };
  const hits = stormHits(count, runId);
  const results: Record<string, number> = {};
  const oneByOne = actionsFor('one');
  let startedMs = performance.now();
  for (const hit of hits) await oneByOne.handleHit(hit);
  results.oneByOne = count / ((performance.now() - startedMs) / 1000);
  const batched = actionsFor('batched');
  startedMs = performance.now();
  for (let first = 0; first < hits.length; first += batchSize)
    await batched.handleHits(hits.slice(first, first + batchSize));
  results.batched = count / ((performance.now() - startedMs) / 1000);
  console.log(
    `${count} hits over 6 alert groups: one transaction a hit ${Math.round(results.oneByOne)}/s, ` +
      `batches of ${batchSize} ${Math.round(results.batched)}/s (×${(results.batched / results.oneByOne).toFixed(1)}); ` +
      `load average ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' ')}`,
  );
  const keys = await redis.keys(`${runId}-*`);
  if (keys.length > 0) await redis.unlink(...keys);
  plan.stop();
  redis.disconnect();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
