import { parseArgs } from 'node:util';
import { type BrandSignalsState, advanceWatermark, createBrandSignalsState, observeMention } from '@tocsin/detection';
import { analyzeSentiment } from '@tocsin/sentiment';
import { BAD_BUZZ_SHAPE, generateDemoStream, type DemoMention } from '../../scripts/demo/demo-stream.generator';
import { formatDuration, parseDuration } from '../../scripts/demo/replay-options';

/**
 * Does the demo's bad buzz page through the spike triggers? Eight demo starts at different
 * hours and seeds, each with `--history` of quiet mentions first (as `npm run demo` sends), then
 * six live hours with the bad buzz 30 minutes in. Mentions go through the pipeline's brand
 * windows and detectors with their defaults; negative is the analyzer's label, as in the
 * pipeline. Reports, per start, the first volume and negativeVolume pages during the buzz and
 * any page outside it in the live hours (the plan's volume-spike and negative-spike triggers
 * page at score 0.5).
 * Usage: npx tsx bench/demo/spike-paging.ts [--history 7d]
 */
const HOUR_MS = 3_600_000;
const LIVE_MS = 6 * HOUR_MS;
const BUZZ_OFFSET_MS = 30 * 60_000;
const PAGING_METRICS = new Set(['volume', 'negativeVolume']);
const STARTS = [9, 38, 68, 74, 107, 137, 150, 191].map((hours) => Date.UTC(2026, 10, 23) + hours * HOUR_MS);

function runStart(startMs: number, seed: number, historyMs: number): string[] {
  const buzzMs = startMs + BUZZ_OFFSET_MS;
  const buzzEndMs = buzzMs + BAD_BUZZ_SHAPE.endMin * 60_000;
  const mentions: DemoMention[] = [
    ...(historyMs > 0
      ? generateDemoStream({ seed, startMs: startMs - historyMs, durationMs: historyMs, badBuzzOffsetMs: null })
      : []),
    ...generateDemoStream({ seed, startMs, durationMs: LIVE_MS, badBuzzOffsetMs: BUZZ_OFFSET_MS }),
  ];
  const states = new Map<string, BrandSignalsState>();
  const pages: string[] = [];
  for (const item of mentions) {
    if (item.brandId === null) {
      continue;
    }
    const eventTimeMs = Date.parse(item.mention.createdAt);
    const negative = analyzeSentiment(item.mention.text).label === 'negative';
    const observed = observeMention(states.get(item.brandId) ?? createBrandSignalsState(item.brandId), {
      brandId: item.brandId,
      eventTimeMs,
      negative,
      followers: item.mention.author.followers ?? 0,
    });
    const advanced = advanceWatermark(observed.state, eventTimeMs);
    states.set(item.brandId, advanced.state);
    for (const signal of advanced.signals) {
      const endMs = Date.parse(signal.intervalEnd);
      if (endMs >= startMs && signal.alert && PAGING_METRICS.has(signal.metric)) {
        const inBuzz = signal.brandId === 'fleurie' && endMs >= buzzMs && endMs <= buzzEndMs;
        pages.push(`${inBuzz ? 'buzz' : 'OTHER'} ${signal.brandId}/${signal.metric} ${formatDuration(endMs - buzzMs)}`);
      }
    }
  }
  return pages;
}

function main(): void {
  const { values } = parseArgs({ options: { history: { type: 'string', default: '7d' } }, strict: true });
  const historyMs = values.history === 'off' ? 0 : parseDuration(values.history ?? '7d');
  let paged = 0;
  let otherPages = 0;
  STARTS.forEach((startMs, index) => {
    const pages = runStart(startMs, index + 1, historyMs);
    const negativePage = pages.find((page) => page.startsWith('buzz fleurie/negativeVolume'));
    paged += negativePage ? 1 : 0;
    otherPages += pages.filter((page) => page.startsWith('OTHER')).length;
    process.stdout.write(`${new Date(startMs).toISOString()} seed ${index + 1}: ${pages.join(', ') || 'no page'}\n`);
  });
  process.stdout.write(
    `history ${formatDuration(historyMs)}: the negative spike pages in ${paged} of ${STARTS.length} starts; ` +
      `${otherPages} other pages in ${STARTS.length} × ${LIVE_MS / HOUR_MS} live hours of two brands\n`,
  );
}

main();
