import {
  brandRecordKey,
  matchBrands,
  mentionKey,
  type BrandMatcher,
  type EnrichedMention,
  type Mention,
} from '@tocsin/domain';
import { analyzeSentiment } from '@tocsin/sentiment';

/** Language, sentiment and brands of one mention; the source's language hint is trusted first. */
export function enrichMention(
  mention: Mention,
  matchers: readonly BrandMatcher[],
  enrichedAtIso: string,
): EnrichedMention {
  const sentiment = analyzeSentiment(mention.text, { lang: mention.lang });
  return {
    ...mention,
    key: mentionKey(mention),
    lang: sentiment.lang,
    brandIds: matchBrands(mention, matchers),
    sentiment,
    enrichedAt: enrichedAtIso,
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
