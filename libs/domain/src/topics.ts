/** Kafka topics: every hand-off between apps is one of these. */
export const TOPICS = {
  mentionsRaw: 'mentions.raw',
  mentionsEnriched: 'mentions.enriched',
  /** Partial window counts per brand from each partition of mentions.raw, merged per brand (two-stage windows). */
  mentionsTallies: 'mentions.tallies',
  mentionsDlq: 'mentions.dlq',
  alertsSignals: 'alerts.signals',
  /** Alert facts for the consoles, from the alerter's outbox relay to the gateways. */
  alertsEvents: 'alerts.events',
  /** Reply-queue changes for the consoles, from the alerter (and a gateway's commands) to the gateways. */
  repliesEvents: 'replies.events',
} as const;
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** Records about one brand are keyed `brand:<id>` so that brand's stream stays in one partition. */
export function brandRecordKey(brandId: string): string {
  return `brand:${brandId}`;
}

/** The brand a record key names, or undefined for records keyed by something else. */
export function brandOfRecordKey(key: string | null): string | undefined {
  return key?.startsWith('brand:') ? key.slice('brand:'.length) : undefined;
}

/**
 * Header naming the schema and version a Tocsin app wrote a record's value in (`<schema>/<n>`).
 * A consumer that knows that version decodes such records without validating them again: the
 * writer validated them, and a re-validation of every internal hop cost more than the hop.
 */
export const RECORD_FORMAT_HEADER = 'tocsin-format';

/** Format of mentions.raw records written by ingest and the collector, validated by them: mentionSchema. */
export const MENTION_FORMAT = 'mention/1';

/** Format of the enrichment stage's records: enrichedMentionSchema. Bump it when that schema changes. */
export const ENRICHED_MENTION_FORMAT = 'enriched-mention/1';

/** Format of the enrichment stage's window tallies: windowTallySchema. Bump it when that schema changes. */
export const WINDOW_TALLY_FORMAT = 'window-tally/1';
