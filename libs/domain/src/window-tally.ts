import { z } from 'zod';

/** -1 when no record of the partition was ever handled (its progress alone is reported). */
const offsetSchema = z.string().regex(/^(-1|\d+)$/, 'a Kafka offset (digits, or -1 before the first)');
const nonNegativeMs = z.number().int().nonnegative();

/** Counts of one brand's mentions in one event-time interval, as one batch of one partition saw them. */
export const intervalTallySchema = z
  .object({
    startMs: z.number().int(),
    volume: z.number().int().nonnegative(),
    negativeVolume: z.number().int().nonnegative(),
    /** Sum of the reach (√followers) of the negative mentions. */
    reachNegative: z.number().nonnegative(),
  })
  .strict();
export type IntervalTally = z.infer<typeof intervalTallySchema>;

/**
 * What one partition of mentions.raw tells a brand's windows after one batch: the partial counts
 * of the brand's mentions in that batch (none when the batch held none: the record still carries
 * the partition's progress), how far the brand's mentions in that partition have got in event
 * time, and whether the partition was caught up. Keyed by brand on mentions.tallies, so every partition's tallies of a brand meet in
 * one consumer, which merges them and closes intervals once every partition is past them.
 */
export const windowTallySchema = z
  .object({
    brandId: z.string().min(1),
    /** The mentions.raw partition the counts come from, and how many partitions that topic has. */
    sourcePartition: z.number().int().nonnegative(),
    sourcePartitions: z.number().int().positive(),
    /** Last source offset the counts cover: a tally at or below what was merged is a copy. */
    throughOffset: offsetSchema,
    /** Newest believed event time of the brand's mentions in the source partition so far, ms since epoch (0 before any). */
    eventTimeMs: nonNegativeMs,
    /** Newest append time (Kafka timestamp) among the batch's records, ms since epoch. */
    appendedUntilMs: nonNegativeMs,
    /** True when the batch reached the partition's end: nothing appended before `reportedAtMs` is pending. */
    caughtUp: z.boolean(),
    /** The enrichment stage's clock when it handled the batch, ms since epoch. */
    reportedAtMs: nonNegativeMs,
    intervals: z.array(intervalTallySchema),
  })
  .strict();
export type WindowTally = z.infer<typeof windowTallySchema>;
