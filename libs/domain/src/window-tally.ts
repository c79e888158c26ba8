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
 * What one partition of mentions.raw tells a brand's windows: the partial counts of the brand's
 * mentions in one batch (none when the batch held none, or when the record only reports that the
 * partition is caught up) and the partition's progress in event time. Keyed by brand on
 * mentions.tallies, so every partition's tallies of a brand meet in one consumer, which merges
 * them and closes an interval once every partition is past it (see sourcesEventTimeMs).
 */
export const windowTallySchema = z
  .object({
    brandId: z.string().min(1),
    /** The mentions.raw partition the counts come from, and how many partitions that topic has. */
    sourcePartition: z.number().int().nonnegative(),
    sourcePartitions: z.number().int().positive(),
    /** Last source offset the counts cover: a tally at or below what was merged is a copy. */
    throughOffset: offsetSchema,
    /**
     * The partition's watermark before lateness: the newest event time of any mention (of any
     * brand) it has delivered, ms since epoch (0 before any). Its later mentions are expected no
     * more than the allowed lateness older.
     */
    eventTimeMs: nonNegativeMs,
    /** When the enrichment stage last delivered records of the partition (its clock), ms since epoch. */
    deliveredAtMs: nonNegativeMs,
    /**
     * A moment (the reporter's clock) when the partition had nothing pending: every record
     * appended before it was delivered. Null when not known (a batch's own tally).
     */
    caughtUpAtMs: nonNegativeMs.nullable(),
    intervals: z.array(intervalTallySchema),
  })
  .strict();
export type WindowTally = z.infer<typeof windowTallySchema>;
