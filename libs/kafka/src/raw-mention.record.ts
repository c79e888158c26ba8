import { MENTION_FORMAT, mentionKey, RECORD_FORMAT_HEADER, type Mention } from '@tocsin/domain';
import type { OutgoingRecord } from './send-coalescer';

/**
 * The `mentions.raw` record of an accepted mention, the same from every source (ingest, the
 * collector). Keyed by the mention itself (platform and id), so that a hot brand's mentions
 * spread over every partition and every pipeline instance (its windows are merged per brand
 * from per-partition tallies), while a source's copies of one mention land in the same partition,
 * where the enrichment stage drops them. `mention` must have passed mentionSchema: the format
 * header tells the pipeline it need not validate it again.
 */
export function toRawRecord(mention: Mention, receivedAtIso: string): OutgoingRecord {
  return {
    key: mentionKey(mention),
    value: JSON.stringify(mention),
    headers: { 'tocsin-received-at': receivedAtIso, [RECORD_FORMAT_HEADER]: MENTION_FORMAT },
  };
}
