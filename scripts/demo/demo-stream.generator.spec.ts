import { brandSchema, compileBrandMatcher, matchBrands, mentionSchema } from '@tocsin/domain';
import { EXCLUDED_PHRASES } from './demo-phrasebook';
import {
  BAD_BUZZ_SHAPE,
  generateDemoStream,
  localHourAt,
  type DemoMention,
  type DemoStreamOptions,
} from './demo-stream.generator';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** The brands as their crisis plans describe them, so matching is judged the pipeline's way. */
const matchers = [
  brandSchema.parse({
    id: 'fleurie',
    name: 'Fleurie Cosmetics',
    keywords: ['fleurie cosmetics', 'fleurie cosmétiques'],
    hashtags: ['#fleurie'],
    handles: ['@fleurie_off', '@fleuriecare'],
    exclusions: ['terrasse fleurie', 'balcon fleurie'],
    countries: ['FR', 'BE', 'CA'],
  }),
  brandSchema.parse({
    id: 'voltaway',
    name: 'Voltaway',
    keywords: ['voltaway'],
    hashtags: ['#voltaway'],
    handles: ['@voltaway', '@voltaway_help'],
    countries: ['FR', 'GB', 'CA'],
  }),
].map(compileBrandMatcher);

const startMs = Date.parse('2025-03-10T00:00:00Z');
const badBuzzOffsetMs = 15 * HOUR_MS;
const dayOptions: DemoStreamOptions = { seed: 42, startMs, durationMs: 24 * HOUR_MS, badBuzzOffsetMs };

function generate(options: DemoStreamOptions): DemoMention[] {
  return [...generateDemoStream(options)];
}

function isNegative(item: DemoMention): boolean {
  return item.tone === 'complaint' || item.tone === 'outrage';
}

function negativeShare(items: readonly DemoMention[], brandId: string, fromMs: number, toMs: number): number {
  const inWindow = items.filter((item) => {
    const atMs = Date.parse(item.mention.createdAt);
    return item.brandId === brandId && atMs >= fromMs && atMs < toMs;
  });
  return inWindow.filter(isNegative).length / inWindow.length;
}

describe(generateDemoStream.name, () => {
  let day: DemoMention[];

  beforeAll(() => {
    day = generate(dayOptions);
  });

  it('produces only mentions that the ingest schema accepts', () => {
    const invalid = day.filter((item) => !mentionSchema.safeParse(item.mention).success);
    expect(day.length).toBeGreaterThan(1000);
    expect(invalid).toEqual([]);
  });

  it('gives every mention a unique id', () => {
    const ids = new Set(day.map((item) => item.mention.id));
    expect(ids.size).toBe(day.length);
  });

  it('emits mentions in event-time order within the requested span', () => {
    const times = day.map((item) => Date.parse(item.mention.createdAt));
    expect(times.every((atMs, index) => index === 0 || atMs >= (times[index - 1] ?? 0))).toBe(true);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(startMs);
    expect(Math.max(...times)).toBeLessThan(startMs + dayOptions.durationMs);
  });

  it('replays the same stream when given the same seed', () => {
    const options = { ...dayOptions, durationMs: 3 * HOUR_MS };
    expect(generate(options)).toEqual(generate(options));
  });

  it('produces a different stream when the seed changes', () => {
    const options = { ...dayOptions, durationMs: HOUR_MS };
    const texts = generate(options).map((item) => item.mention.text);
    const otherTexts = generate({ ...options, seed: 43 }).map((item) => item.mention.text);
    expect(otherTexts).not.toEqual(texts);
  });

  it('never sets brandIds, leaving brand matching to the pipeline', () => {
    expect(day.filter((item) => item.mention.brandIds !== undefined)).toEqual([]);
  });

  it('writes every brand mention so that the brand matcher finds exactly that brand', () => {
    const mismatched = day
      .filter((item) => item.brandId !== null)
      .filter((item) => matchBrands(item.mention, matchers).join() !== item.brandId)
      .map((item) => item.mention.text);
    expect(mismatched).toEqual([]);
  });

  it('includes texts with excluded phrases that match no brand', () => {
    const excluded = day.filter((item) =>
      EXCLUDED_PHRASES.some((phrase) => item.mention.text.toLowerCase().includes(phrase)),
    );
    expect(excluded.length).toBeGreaterThan(5);
    expect(excluded.filter((item) => matchBrands(item.mention, matchers).length > 0)).toEqual([]);
    expect(excluded.some((item) => item.mention.text.includes('#fleurie'))).toBe(true);
  });

  it('answers complaints from the brand’s own accounts, on the platform and post they were made on', () => {
    const byId = new Map(day.map((item) => [item.mention.id, item]));
    const replies = day.filter((item) => item.mention.inReplyTo !== undefined);
    expect(replies.length).toBeGreaterThan(50);
    for (const reply of replies) {
      const target = byId.get(reply.mention.inReplyTo ?? '');
      expect(target?.brandId).toBe(reply.brandId);
      expect(target?.mention.platform).toBe(reply.mention.platform);
      expect(Date.parse(target?.mention.createdAt ?? '')).toBeLessThanOrEqual(Date.parse(reply.mention.createdAt));
      expect(['fleurie_off', 'fleuriecare', 'voltaway', 'voltaway_help']).toContain(reply.mention.author.handle);
    }
    const answeredComplaints = replies.filter((reply) => byId.get(reply.mention.inReplyTo ?? '')?.tone === 'complaint');
    expect(answeredComplaints.length).toBeGreaterThan(20);
  });

  it('writes in both French and English', () => {
    const langs = new Set(day.map((item) => item.mention.lang?.slice(0, 2)));
    expect(langs).toEqual(new Set(['fr', 'en', undefined]));
  });

  it('draws authors with a heavy-tailed audience and some verified influencers', () => {
    const followers = day.map((item) => item.mention.author.followers ?? 0).sort((a, b) => a - b);
    const median = followers[Math.floor(followers.length / 2)] ?? 0;
    expect(median).toBeLessThan(200);
    expect(
      day.some((item) => item.mention.author.verified === true && (item.mention.author.followers ?? 0) >= 100_000),
    ).toBe(true);
    expect(new Set(day.map((item) => item.mention.author.handle)).size).toBeGreaterThan(200);
  });

  it('is busier at 14:00 than at 04:00 local time', () => {
    const countAtLocalHour = (country: string, timeZone: string, hour: number): number =>
      day.filter(
        (item) =>
          item.mention.country === country &&
          Math.floor(localHourAt(Date.parse(item.mention.createdAt), timeZone)) === hour,
      ).length;
    expect(countAtLocalHour('FR', 'Europe/Paris', 14)).toBeGreaterThan(3 * countAtLocalHour('FR', 'Europe/Paris', 4));
    expect(countAtLocalHour('GB', 'Europe/London', 14)).toBeGreaterThan(3 * countAtLocalHour('GB', 'Europe/London', 4));
  });

  it('raises the negative share of fleurie during the bad buzz', () => {
    const buzzStartMs = startMs + badBuzzOffsetMs;
    const before = negativeShare(day, 'fleurie', buzzStartMs - HOUR_MS, buzzStartMs);
    const during = negativeShare(day, 'fleurie', buzzStartMs, buzzStartMs + HOUR_MS);
    expect(before).toBeLessThan(0.3);
    expect(during).toBeGreaterThan(2 * before);
    expect(during).toBeGreaterThan(0.5);
  });

  it('leaves the negative share of voltaway unchanged during the bad buzz', () => {
    const buzzStartMs = startMs + badBuzzOffsetMs;
    const before = negativeShare(day, 'voltaway', buzzStartMs - HOUR_MS, buzzStartMs);
    const during = negativeShare(day, 'voltaway', buzzStartMs, buzzStartMs + HOUR_MS);
    expect(day.filter((item) => item.badBuzz && item.brandId !== 'fleurie')).toEqual([]);
    expect(Math.abs(during - before)).toBeLessThan(0.15);
  });

  it('ramps the bad buzz up, holds it, then lets it decay', () => {
    const buzzStartMs = startMs + badBuzzOffsetMs;
    const countBetween = (fromMin: number, toMin: number): number =>
      day.filter((item) => {
        const minutes = (Date.parse(item.mention.createdAt) - buzzStartMs) / MINUTE_MS;
        return item.badBuzz && minutes >= fromMin && minutes < toMin;
      }).length;
    const ramp = countBetween(0, 5);
    const height = countBetween(BAD_BUZZ_SHAPE.rampMin, BAD_BUZZ_SHAPE.rampMin + 5);
    const tail = countBetween(BAD_BUZZ_SHAPE.endMin - 20, BAD_BUZZ_SHAPE.endMin - 15);
    expect(height).toBeGreaterThan(2 * ramp);
    expect(height).toBeGreaterThan(4 * tail);
    expect(countBetween(-60, 0)).toBe(0);
    expect(countBetween(BAD_BUZZ_SHAPE.endMin, 24 * 60)).toBe(0);
  });

  it('has an influential verified author among the first voices of the bad buzz', () => {
    const buzzStartMs = startMs + badBuzzOffsetMs;
    const earlyInfluencers = day.filter(
      (item) =>
        item.badBuzz &&
        item.mention.author.verified === true &&
        (item.mention.author.followers ?? 0) >= 100_000 &&
        Date.parse(item.mention.createdAt) < buzzStartMs + BAD_BUZZ_SHAPE.rampMin * MINUTE_MS,
    );
    expect(earlyInfluencers.length).toBeGreaterThanOrEqual(1);
  });

  it('has no bad buzz when none is asked for', () => {
    const quiet = generate({ ...dayOptions, durationMs: 18 * HOUR_MS, badBuzzOffsetMs: null });
    expect(quiet.filter((item) => item.badBuzz || item.tone === 'outrage')).toEqual([]);
  });
});
