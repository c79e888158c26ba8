import { MENTION_FORMAT, RECORD_FORMAT_HEADER, type Mention } from '@tocsin/domain';
import type { OutgoingRecord } from './send-coalescer';

/**
 * The `mentions.raw` record of an accepted mention, the same from every source (ingest, the
 * collector). Keyed by the conversation (platform, and the thread, the post replied to or the
 * mention's own id), so that a hot brand's mentions spread over every partition and every
 * pipeline instance (its windows are merged per brand from per-partition tallies), while a
 * brand's answer stays behind the complaint it answers (the reply queue reads them in order) and
 * a source's copies of one mention land in the same partition. `mention` must have passed
 * mentionSchema: the format header tells the pipeline it need not validate it again.
 */
export function toRawRecord(mention: Mention, receivedAtIso: string): OutgoingRecord {
  return {
    key: `${mention.platform}:${mention.threadId ?? mention.inReplyTo ?? mention.id}`,
    value: JSON.stringify(mention),
    headers: { 'tocsin-received-at': receivedAtIso, [RECORD_FORMAT_HEADER]: MENTION_FORMAT },
  };
}
