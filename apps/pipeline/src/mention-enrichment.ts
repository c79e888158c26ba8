import {
  brandRecordKey,
  ENRICHED_MENTION_FORMAT,
  RECORD_FORMAT_HEADER,
  matchBrands,
  mentionKey,
  type BrandMatcher,
  type EnrichedMention,
  type Mention,
} from '@tocsin/domain';
import { analyzeSentiment } from '@tocsin/sentiment';

// One set per plan's matchers (they are replaced, never changed, on a reload), not one per mention.
const knownBrandIdsCache = new WeakMap<readonly BrandMatcher[], ReadonlySet<string>>();

function knownBrandIds(matchers: readonly BrandMatcher[]): ReadonlySet<string> {
  let known = knownBrandIdsCache.get(matchers);
  if (known === undefined) {
    known = new Set(matchers.map((matcher) => matcher.brandId));
    knownBrandIdsCache.set(matchers, known);
  }
  return known;
}

/**
 * Language, sentiment and brands of one mention; the source's language hint is trusted first.
 * Brand ids the source names are kept only if the plan has them (`matchers` are the plan's
 * brands): window state exists for plan brands only, so invented ids cannot grow it.
 */
export function enrichMention(
  mention: Mention,
  matchers: readonly BrandMatcher[],
  enrichedAtIso: string,
): { mention: EnrichedMention; unknownBrandIds: string[] } {
  const known = knownBrandIds(matchers);
  const kept: string[] = [];
  const unknownBrandIds: string[] = [];
  for (const id of mention.brandIds ?? []) (known.has(id) ? kept : unknownBrandIds).push(id);
  const sentiment = analyzeSentiment(mention.text, { lang: mention.lang });
  // Matching reads four fields: no copy of the whole mention for it (one less object a mention).
  const matched = { text: mention.text, author: mention.author, inReplyTo: mention.inReplyTo, brandIds: kept };
  return {
    mention: {
      ...mention,
      key: mentionKey(mention),
      lang: sentiment.lang,
      brandIds: matchBrands(matched, matchers),
      sentiment,
      enrichedAt: enrichedAtIso,
    },
    unknownBrandIds,
  };
}

/**
 * One output record per matched brand, keyed by that brand, so each brand's enriched stream
 * is ordered within one partition (its windows live in one consumer). A mention of no brand
 * is kept, keyed by itself, for the archive.
 */
export function toEnrichedRecords(
  mention: EnrichedMention,
): Array<{ key: string; value: string; headers: Record<string, string> }> {
  const value = JSON.stringify(mention);
  const headers = { [RECORD_FORMAT_HEADER]: ENRICHED_MENTION_FORMAT };
  if (mention.brandIds.length === 0) return [{ key: mention.key, value, headers }];
  return mention.brandIds.map((brandId) => ({ key: brandRecordKey(brandId), value, headers }));
}
