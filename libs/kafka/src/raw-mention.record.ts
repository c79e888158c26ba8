import { brandRecordKey, matchBrands, mentionKey, type BrandMatcher, type Mention } from '@tocsin/domain';
import type { OutgoingRecord } from './send-coalescer';

/**
 * The `mentions.raw` record of an accepted mention, the same from every source (ingest, the
 * collector). Keyed by its brand (named by the source or matched by the plan's keywords) so that
 * one brand's stream stays in order in one partition: its event-time windows then see a replay
 * or a backfill in order. A mention of no brand is keyed by itself.
 */
export function toRawRecord(
  mention: Mention,
  receivedAtIso: string,
  matchers: readonly BrandMatcher[],
): OutgoingRecord {
  const brandId = matchBrands(mention, matchers)[0];
  return {
    key: brandId ? brandRecordKey(brandId) : mentionKey(mention),
    value: JSON.stringify(mention),
    headers: { 'tocsin-received-at': receivedAtIso },
  };
}
