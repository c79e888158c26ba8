/** Kafka topics: every hand-off between apps is one of these. */
export const TOPICS = {
  mentionsRaw: 'mentions.raw',
  mentionsEnriched: 'mentions.enriched',
  mentionsDlq: 'mentions.dlq',
  alertsSignals: 'alerts.signals',
} as const;
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];
