import type { Mention, Platform } from '@tocsin/domain';
import {
  AUDIENCES,
  BRAND_ACCOUNTS,
  INFLUENCERS,
  createAuthorPool,
  pickActiveAuthor,
  type Audience,
  type DemoAuthor,
} from './demo-authors';
import {
  BAD_BUZZ_AMPLIFIERS,
  BAD_BUZZ_PRODUCTS,
  BAD_BUZZ_REPLIES,
  BAD_BUZZ_TEMPLATES,
  CITIES,
  EXCLUDED_PHRASE_TEMPLATES,
  NEGATIVE_EMOJI,
  PHRASEBOOKS,
  POSITIVE_EMOJI,
  type DemoBrandId,
  type DemoLang,
  type EverydayTone,
  type Tone,
} from './demo-phrasebook';
import { createSeededRandom, type SeededRandom } from '@tocsin/domain';

const MINUTE_MS = 60_000;

/** A generated mention with the truth behind it, which the replayer never sends. */
export interface DemoMention {
  mention: Mention;
  /** The brand the text was written about; null for texts that must match no brand. */
  brandId: DemoBrandId | null;
  tone: Tone;
  /** Part of the bad buzz episode. */
  badBuzz: boolean;
}

export interface DemoStreamOptions {
  seed: number;
  /** Event time of the first possible mention, ms since the Unix epoch. */
  startMs: number;
  durationMs: number;
  /** When the bad buzz starts, as an offset from `startMs`; null for a quiet stream. */
  badBuzzOffsetMs: number | null;
  /** Mentions per minute for one brand at the busiest local hour, before the bad buzz. */
  peakPerMinPerBrand?: number;
  /** Mentions per minute about the bad buzz at its height. */
  badBuzzPeakPerMin?: number;
}

export const DEFAULT_PEAK_PER_MIN_PER_BRAND = 6;
export const DEFAULT_BAD_BUZZ_PEAK_PER_MIN = 30;

/** Shape of the bad buzz, in minutes from its start: ramp up, hold, then decay. */
export const BAD_BUZZ_SHAPE = { rampMin: 12, plateauEndMin: 25, decayHalfLifeMin: 9, endMin: 90 } as const;

interface AudienceShare {
  audience: Audience;
  share: number;
}

/** Who talks about each brand; shares sum to one per brand. */
const BRAND_AUDIENCES: Readonly<Record<DemoBrandId, readonly AudienceShare[]>> = {
  fleurie: [
    { audience: AUDIENCES.frFR, share: 0.6 },
    { audience: AUDIENCES.frBE, share: 0.15 },
    { audience: AUDIENCES.frCA, share: 0.15 },
    { audience: AUDIENCES.enCA, share: 0.1 },
  ],
  voltaway: [
    { audience: AUDIENCES.frFR, share: 0.5 },
    { audience: AUDIENCES.enGB, share: 0.35 },
    { audience: AUDIENCES.enCA, share: 0.1 },
    { audience: AUDIENCES.frCA, share: 0.05 },
  ],
};

/** Flowered terraces and balconies are a French-speaking topic worth a few percent of the traffic. */
const EXCLUDED_PHRASE_SHARE_OF_PEAK = 0.05;
const EXCLUDED_PHRASE_AUDIENCES: readonly Audience[] = [AUDIENCES.frFR, AUDIENCES.frBE, AUDIENCES.frCA];

/** The cream is sold in France first; the outcry spreads to Belgium and Canada. */
const BAD_BUZZ_AUDIENCES: readonly (readonly [Audience, number])[] = [
  [AUDIENCES.frFR, 0.65],
  [AUDIENCES.frBE, 0.12],
  [AUDIENCES.frCA, 0.1],
  [AUDIENCES.enCA, 0.13],
];

const EVERYDAY_TONES: readonly (readonly [EverydayTone | 'reply', number])[] = [
  ['praise', 0.34],
  ['neutral', 0.27],
  ['question', 0.14],
  ['complaint', 0.16],
  ['reply', 0.09],
];

const BRAND_PLATFORMS: Readonly<Record<DemoBrandId, readonly (readonly [Platform, number])[]>> = {
  fleurie: [
    ['instagram', 0.3],
    ['twitter', 0.18],
    ['tiktok', 0.15],
    ['facebook', 0.1],
    ['review', 0.1],
    ['forum', 0.05],
    ['reddit', 0.03],
    ['youtube', 0.03],
    ['news', 0.03],
    ['blog', 0.03],
  ],
  voltaway: [
    ['twitter', 0.34],
    ['reddit', 0.1],
    ['facebook', 0.1],
    ['instagram', 0.1],
    ['tiktok', 0.1],
    ['review', 0.1],
    ['forum', 0.05],
    ['news', 0.05],
    ['linkedin', 0.04],
    ['other', 0.02],
  ],
};

const REPLY_PLATFORMS: readonly Platform[] = ['twitter', 'instagram', 'facebook'];

const AUDIENCE_POOL_SIZES: Readonly<Record<string, number>> = {
  'fr-FR': 240,
  'fr-BE': 70,
  'fr-CA': 90,
  'en-CA': 90,
  'en-GB': 160,
};

/**
 * Relative activity by local hour in [0, 24): a lunch bump and an evening peak,
 * about 0.1 of the peak in the small hours.
 */
export function describeActivity(localHour: number): number {
  const bump = (centre: number, width: number, height: number): number => {
    const distance = Math.min(Math.abs(localHour - centre), 24 - Math.abs(localHour - centre));
    return height * Math.exp(-(distance * distance) / (2 * width * width));
  };
  return Math.min(1, 0.08 + bump(13, 3, 0.72) + bump(20.5, 2.5, 0.92));
}

/** Relative intensity of the bad buzz, `minutes` after it started, in [0, 1]. */
export function describeBadBuzz(minutes: number): number {
  const { rampMin, plateauEndMin, decayHalfLifeMin, endMin } = BAD_BUZZ_SHAPE;
  if (minutes < 0 || minutes >= endMin) return 0;
  if (minutes < rampMin) return Math.pow(minutes / rampMin, 1.5);
  if (minutes < plateauEndMin) return 1;
  return Math.pow(0.5, (minutes - plateauEndMin) / decayHalfLifeMin);
}

const hourFormats = new Map<string, Intl.DateTimeFormat>();

/** Local hour with minutes as a fraction, e.g. 14.5 for half past two in the afternoon. */
export function localHourAt(epochMs: number, timeZone: string): number {
  let format = hourFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    hourFormats.set(timeZone, format);
  }
  let hour = 0;
  let minute = 0;
  for (const part of format.formatToParts(epochMs)) {
    if (part.type === 'hour') hour = Number(part.value);
    if (part.type === 'minute') minute = Number(part.value);
  }
  return hour + minute / 60;
}

interface Draft {
  atMs: number;
  brandId: DemoBrandId | null;
  tone: Tone;
  badBuzz: boolean;
  audience: Audience;
  author?: DemoAuthor;
  platform?: Platform;
  text?: string;
}

function fillTemplate(
  random: SeededRandom,
  template: string,
  slots: Readonly<Record<string, readonly string[]>>,
): string {
  return template.replace(/\{(\w+)\}/g, (whole, slot: string) => {
    const choices = slots[slot];
    return choices === undefined ? whole : random.pick(choices);
  });
}

/** Words people stretch for emphasis; brand names are never among them, so matching still works. */
const EMPHATIC_WORDS =
  /(?<![\p{L}@#_])(bien|top|trop|génial|canon|nickel|adore|tuerie|long|cher|déçue|jamais|so|good|great|love|smooth|amazing|gorgeous|pricey|broken)(?![\p{L}_])/giu;

/** Stretches one emphatic word, the way people type "trop biennnn" or "so goooood". */
function elongate(random: SeededRandom, text: string): string {
  const words = [...text.matchAll(EMPHATIC_WORDS)];
  if (words.length === 0) return text;
  const word = random.pick(words);
  const last = word[0].slice(-1);
  const end = (word.index ?? 0) + word[0].length;
  return `${text.slice(0, end)}${last.repeat(random.int(2, 5))}${text.slice(end)}`;
}

/** Casual noise on top of a template: emoji, hashtags, elongations, shouting. */
function decorate(random: SeededRandom, text: string, brandId: DemoBrandId, lang: DemoLang, tone: Tone): string {
  let decorated = text;
  if ((tone === 'praise' || tone === 'complaint') && random.chance(0.15)) decorated = elongate(random, decorated);
  if (tone === 'praise' && random.chance(0.3)) decorated = `${decorated} ${random.pick(POSITIVE_EMOJI)}`;
  if ((tone === 'complaint' || tone === 'outrage') && random.chance(0.25))
    decorated = `${decorated} ${random.pick(NEGATIVE_EMOJI)}`;
  if (random.chance(0.25)) decorated = `${decorated} ${random.pick(PHRASEBOOKS[brandId][lang].topicalHashtags)}`;
  const shoutProbability = tone === 'outrage' ? 0.25 : tone === 'complaint' ? 0.06 : 0;
  if (random.chance(shoutProbability)) decorated = decorated.toUpperCase();
  return decorated;
}

function composeBrandText(random: SeededRandom, brandId: DemoBrandId, audience: Audience, tone: Tone): string {
  const book = PHRASEBOOKS[brandId][audience.lang];
  if (tone === 'reply') return random.pick(book.replies);
  const templates = tone === 'outrage' ? BAD_BUZZ_TEMPLATES[audience.lang] : book.templates[tone];
  const slots = {
    b: book.references,
    p: tone === 'outrage' ? BAD_BUZZ_PRODUCTS[audience.lang] : book.products,
    c: CITIES[audience.country] ?? [],
    pos: POSITIVE_EMOJI,
    neg: NEGATIVE_EMOJI,
  };
  return decorate(random, fillTemplate(random, random.pick(templates), slots), brandId, audience.lang, tone);
}

function buildUrl(random: SeededRandom, platform: Platform, handle: string, id: string): string {
  const number = String(random.int(100_000_000, 999_999_999));
  switch (platform) {
    case 'twitter':
      return `https://x.com/${handle}/status/${number}`;
    case 'instagram':
      return `https://www.instagram.com/p/${id}/`;
    case 'tiktok':
      return `https://www.tiktok.com/@${handle}/video/${number}`;
    case 'facebook':
      return `https://www.facebook.com/${handle}/posts/${number}`;
    case 'reddit':
      return `https://www.reddit.com/r/france/comments/${id}/`;
    case 'youtube':
      return `https://www.youtube.com/watch?v=${id}`;
    case 'linkedin':
      return `https://www.linkedin.com/feed/update/${number}`;
    default:
      return `https://${platform}.example.org/${id}`;
  }
}

/** Reach drives engagement; angry posts get shared more than they get liked. */
function drawEngagement(random: SeededRandom, followers: number, tone: Tone): NonNullable<Mention['engagement']> {
  const reach = Math.max(1, followers) * Math.exp(random.gaussian() * 0.8);
  const angry = tone === 'outrage' || tone === 'complaint';
  return {
    likes: Math.floor(reach * 0.02),
    shares: Math.floor(reach * (angry ? 0.012 : 0.003)),
    replies: Math.floor(reach * (angry ? 0.008 : 0.002)),
  };
}

function toMention(random: SeededRandom, draft: Required<Draft>, id: string, inReplyTo: string | undefined): Mention {
  const { author, audience } = draft;
  const mention: Mention = {
    id,
    platform: draft.platform,
    text: draft.text,
    createdAt: new Date(draft.atMs).toISOString(),
    author: {
      id: author.id,
      handle: author.handle,
      name: author.name,
      followers: author.followers,
      verified: author.verified,
    },
    engagement: drawEngagement(random, author.followers, draft.tone),
  };
  // Sources do not always say where a post comes from or which language it is in.
  if (random.chance(0.8)) mention.url = buildUrl(random, draft.platform, author.handle, id);
  if (random.chance(0.7)) mention.lang = random.chance(0.5) ? audience.langTag : audience.lang;
  if (random.chance(0.85)) mention.country = audience.country;
  if (inReplyTo !== undefined) mention.inReplyTo = inReplyTo;
  return mention;
}

function drawArrivalTimes(random: SeededRandom, minuteStartMs: number, meanCount: number): number[] {
  const count = random.poisson(meanCount);
  return Array.from({ length: count }, () => minuteStartMs + Math.floor(random.next() * MINUTE_MS));
}

function draftEverydayMentions(random: SeededRandom, minuteStartMs: number, peakPerMin: number): Draft[] {
  const drafts: Draft[] = [];
  for (const [brandId, shares] of Object.entries(BRAND_AUDIENCES) as [DemoBrandId, readonly AudienceShare[]][]) {
    for (const { audience, share } of shares) {
      const mean = peakPerMin * share * describeActivity(localHourAt(minuteStartMs, audience.timeZone));
      for (const atMs of drawArrivalTimes(random, minuteStartMs, mean)) {
        drafts.push({ atMs, brandId, tone: random.weighted(EVERYDAY_TONES), badBuzz: false, audience });
      }
    }
  }
  return drafts;
}

function draftExcludedPhraseMentions(random: SeededRandom, minuteStartMs: number, peakPerMin: number): Draft[] {
  const drafts: Draft[] = [];
  for (const audience of EXCLUDED_PHRASE_AUDIENCES) {
    const activity = describeActivity(localHourAt(minuteStartMs, audience.timeZone));
    const mean = (peakPerMin * EXCLUDED_PHRASE_SHARE_OF_PEAK * activity) / EXCLUDED_PHRASE_AUDIENCES.length;
    for (const atMs of drawArrivalTimes(random, minuteStartMs, mean)) {
      const slots = { c: CITIES[audience.country] ?? [], pos: POSITIVE_EMOJI };
      const text = fillTemplate(random, random.pick(EXCLUDED_PHRASE_TEMPLATES), slots);
      const platform = random.pick(REPLY_PLATFORMS);
      drafts.push({ atMs, brandId: null, tone: 'neutral', badBuzz: false, audience, text, platform });
    }
  }
  return drafts;
}

function draftBadBuzzMentions(
  random: SeededRandom,
  minuteStartMs: number,
  badBuzzStartMs: number,
  peakPerMin: number,
): Draft[] {
  const drafts: Draft[] = [];
  const minutesIn = (minuteStartMs - badBuzzStartMs) / MINUTE_MS;
  for (const atMs of drawArrivalTimes(random, minuteStartMs, peakPerMin * describeBadBuzz(minutesIn))) {
    const audience = random.weighted(BAD_BUZZ_AUDIENCES);
    // The brand answers some of the outcry, as a CM would.
    const tone: Tone = random.chance(0.06) ? 'reply' : 'outrage';
    const text = tone === 'reply' && audience.lang === 'fr' ? random.pick(BAD_BUZZ_REPLIES) : undefined;
    drafts.push({ atMs, brandId: 'fleurie', tone, badBuzz: true, audience, text });
  }
  for (const amplifier of BAD_BUZZ_AMPLIFIERS) {
    const atMs = badBuzzStartMs + amplifier.atMinute * MINUTE_MS;
    const author = INFLUENCERS.find((candidate) => candidate.handle === amplifier.authorHandle);
    if (author === undefined || atMs < minuteStartMs || atMs >= minuteStartMs + MINUTE_MS) continue;
    drafts.push({
      atMs,
      brandId: 'fleurie',
      tone: 'outrage',
      badBuzz: true,
      audience: author.audience,
      author,
      platform: amplifier.platform,
      text: amplifier.text,
    });
  }
  return drafts;
}

/**
 * A reproducible stream of French and English mentions of the demo brands, in event-time
 * order. Arrivals are Poisson with a rate that follows each audience's local time of day;
 * a bad buzz about a cream adds a burst of angry mentions of `fleurie` only. Brands are
 * never set on the mention: the text or the author carries them, as from a real source.
 */
export function* generateDemoStream(options: DemoStreamOptions): Generator<DemoMention> {
  const random = createSeededRandom(options.seed);
  const peakPerMin = options.peakPerMinPerBrand ?? DEFAULT_PEAK_PER_MIN_PER_BRAND;
  const badBuzzPeakPerMin = options.badBuzzPeakPerMin ?? DEFAULT_BAD_BUZZ_PEAK_PER_MIN;
  const pools = new Map<string, DemoAuthor[]>();
  for (const audience of Object.values(AUDIENCES)) {
    pools.set(audience.key, createAuthorPool(random, audience, AUDIENCE_POOL_SIZES[audience.key] ?? 50));
  }
  const poolOf = (audience: Audience): DemoAuthor[] => pools.get(audience.key) ?? [];
  const idPrefix = `demo-${options.seed.toString(36)}-${options.startMs.toString(36)}`;
  const lastReplyTargets = new Map<DemoBrandId, { id: string; platform: Platform }>();
  let sequence = 0;

  const endMs = options.startMs + options.durationMs;
  for (let minuteStartMs = options.startMs; minuteStartMs < endMs; minuteStartMs += MINUTE_MS) {
    const drafts = [
      ...draftEverydayMentions(random, minuteStartMs, peakPerMin),
      ...draftExcludedPhraseMentions(random, minuteStartMs, peakPerMin),
      ...(options.badBuzzOffsetMs === null
        ? []
        : draftBadBuzzMentions(random, minuteStartMs, options.startMs + options.badBuzzOffsetMs, badBuzzPeakPerMin)),
    ].filter((draft) => draft.atMs < endMs);
    drafts.sort((a, b) => a.atMs - b.atMs);
    for (const draft of drafts) {
      const author = draft.author ?? chooseAuthor(random, draft, poolOf(draft.audience));
      const brandId = draft.brandId;
      const target = draft.tone === 'reply' && brandId !== null ? lastReplyTargets.get(brandId) : undefined;
      // A brand answers on the platform it was spoken to, which its reply queue checks.
      const drawn = draft.platform ?? pickPlatform(random, brandId, draft.tone, author);
      const platform = target?.platform ?? drawn;
      const text =
        draft.text ?? (brandId === null ? '' : composeBrandText(random, brandId, author.audience, draft.tone));
      sequence += 1;
      const id = `${idPrefix}-${sequence}`;
      const inReplyTo = target?.id;
      if (brandId !== null && (draft.tone === 'complaint' || draft.tone === 'outrage' || draft.tone === 'question')) {
        lastReplyTargets.set(brandId, { id, platform });
      }
      yield {
        mention: toMention(random, { ...draft, author, platform, text, audience: author.audience }, id, inReplyTo),
        brandId,
        tone: draft.tone,
        badBuzz: draft.badBuzz,
      };
    }
  }
}

function chooseAuthor(random: SeededRandom, draft: Draft, pool: readonly DemoAuthor[]): DemoAuthor {
  if (draft.tone === 'reply' && draft.brandId !== null) return BRAND_ACCOUNTS[draft.brandId][draft.audience.lang];
  // Influencers talk about the brands now and then, in their own language and country.
  if (random.chance(0.015)) {
    const candidates = INFLUENCERS.filter((influencer) => influencer.audience.key === draft.audience.key);
    if (candidates.length > 0) return random.pick(candidates);
  }
  return pickActiveAuthor(random, pool);
}

function pickPlatform(random: SeededRandom, brandId: DemoBrandId | null, tone: Tone, author: DemoAuthor): Platform {
  if (author.platforms !== undefined) return random.pick(author.platforms);
  if (tone === 'reply') return random.pick(REPLY_PLATFORMS);
  return random.weighted(BRAND_PLATFORMS[brandId ?? 'fleurie']);
}
