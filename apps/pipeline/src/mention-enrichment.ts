import {
  brandRecordKey,
  matchBrands,
  mentionKey,
  type BrandMatcher,
  type EnrichedMention,
  type Mention,
} from '@tocsin/domain';
import { analyzeSentiment } from '@tocsin/sentiment';

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
  const known = new Set(matchers.map((matcher) => matcher.brandId));
  const named = mention.brandIds ?? [];
  const sentiment = analyzeSentiment(mention.text, { lang: mention.lang });
  return {
    mention: {
      ...mention,
      key: mentionKey(mention),
      lang: sentiment.lang,
      brandIds: matchBrands({ ...mention, brandIds: named.filter((id) => known.has(id)) }, matchers),
      sentiment,
      enrichedAt: enrichedAtIso,
    },
    unknownBrandIds: named.filter((id) => !known.has(id)),
  };
}

/**
 * One output record per matched brand, keyed by that brand, so each brand's enriched stream
 * is ordered within one partition (its windows live in one consumer). A mention of no brand
 * is kept, keyed by itself, for the archive.
 */
export function toEnrichedRecords(mention: EnrichedMention): Array<{ key: string; value: string }> {
  const value = JSON.stringify(mention);
  if (mention.brandIds.length === 0) return [{ key: mention.key, value }];
  return mention.brandIds.map((brandId) => ({ key: brandRecordKey(brandId), value }));
}
