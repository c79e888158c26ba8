import { AlertActions } from '@tocsin/alert-actions';
import type { TriggerHit } from '@tocsin/crisis-plan';
import { systemClock } from '@tocsin/domain';
import { PlanSource } from '@tocsin/plan-source';
import { AlertStore, OutboxStore, RedisKeys, SilenceStore } from '@tocsin/redis';
import Redis from 'ioredis';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const USAGE = 'usage: REDIS_URL=redis://… npx tsx bench/e2e/alert-storm.ts [--hits N] [--batch N]';
const PLAN = 'config/crisis-plan.example.yaml';
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * A crisis storm as the pipeline sends it: every hit a distinct negative mention, interleaved
 * over six alert groups of two brands (influencers, crisis words, the bad-buzz group).
 */
function stormHits(count: number, runId: string): TriggerHit[] {
  const triggers = [
    { triggerId: 'influencer-negative', triggerKind: 'influential-negative', group: 'influencer-negative' },
    { triggerId: 'crisis-words', triggerKind: 'crisis-vocabulary', group: 'crisis-words' },
    { triggerId: 'negative-share', triggerKind: 'negative-share', group: 'bad-buzz' },
  ] as const;
  const nowMs = Date.now();
  return Array.from({ length: count }, (_, i): TriggerHit => {
    const trigger = triggers[i % triggers.length] ?? triggers[0];
    return {
      kind: 'trigger',
      ...trigger,
      brandId: Math.floor(i / triggers.length) % 2 === 0 ? 'voltaway' : 'fleurie',
      level: 'alert',
      planVersion: '2026.11-1',
      reason: `storm hit ${i}`,
      evidence: { mentionKey: `twitter:${runId}-${i}`, author: `@fan${i}`, followers: 200_000 },
      atMs: nowMs + i,
    };
  });
}

interface StormRun {
  oneByOne: number;
  batched: number;
}

/**
 * Hits per second AlertActions absorbs on real Redis, one transaction per hit (handleHit, as
 * the alerter did) against one per alert group of each batch (handleHits, as it does now), with
 * the plan's incidents and without. Each way gets its own key prefix, so each starts from no alert.
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
  if (!url || !(count > 0) || !(batchSize > 0)) throw new Error(USAGE);
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-alert-storm-'));
  const withoutIncidents = join(dir, 'no-incidents.yaml');
  writeFileSync(withoutIncidents, readFileSync(PLAN, 'utf8').replace(/^incidents:\n(?: {2}.*\n)+/m, ''));
  const plans = { incidents: new PlanSource(PLAN, quiet), 'no incidents': new PlanSource(withoutIncidents, quiet) };
  await Promise.all(Object.values(plans).map((plan) => plan.start({ watch: false })));
  if (plans['no incidents'].current().plan.incidents !== undefined) throw new Error(`${PLAN}: incidents not removed`);
  const redis = new Redis(url);
  const runId = `storm-${Date.now().toString(36)}`;
  const actionsFor = (plan: PlanSource, prefix: string): AlertActions => {
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
  const results: Record<string, StormRun> = {};
  for (const [name, plan] of Object.entries(plans)) {
    const hits = stormHits(count, `${runId}-${name}`);
    const oneByOne = actionsFor(plan, `${name}-one`);
    let startedMs = performance.now();
    for (const hit of hits) await oneByOne.handleHit(hit);
    const oneByOneRate = count / ((performance.now() - startedMs) / 1000);
    const batched = actionsFor(plan, `${name}-batched`);
    startedMs = performance.now();
    for (let first = 0; first < hits.length; first += batchSize) {
      await batched.handleHits(hits.slice(first, first + batchSize));
    }
    results[name] = { oneByOne: oneByOneRate, batched: count / ((performance.now() - startedMs) / 1000) };
  }
  for (const [name, run] of Object.entries(results)) {
    console.log(
      `${name}: ${count} hits over 6 alert groups: one transaction a hit ${Math.round(run.oneByOne)}/s, ` +
        `batches of ${batchSize} ${Math.round(run.batched)}/s (×${(run.batched / run.oneByOne).toFixed(1)})`,
    );
  }
  console.log(
    `load average ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
  );
  const keys = await redis.keys(`${runId}-*`);
  if (keys.length > 0) await redis.unlink(...keys);
  for (const plan of Object.values(plans)) plan.stop();
  rmSync(dir, { recursive: true });
  redis.disconnect();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
