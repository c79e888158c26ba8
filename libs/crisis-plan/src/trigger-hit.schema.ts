import { PLATFORMS, spikeSignalSchema } from '@tocsin/domain';
import { z } from 'zod';

/** Longest mention text carried in a hit: enough for a CM to read, small enough for Kafka. */
export const MAX_EVIDENCE_TEXT_CHARS = 500;

export const hitEvidenceSchema = z
  .object({
    mentionKey: z.string().optional(),
    text: z.string().max(MAX_EVIDENCE_TEXT_CHARS).optional(),
    author: z.string().optional(),
    followers: z.number().int().nonnegative().optional(),
    verified: z.boolean().optional(),
    platform: z.enum(PLATFORMS).optional(),
    country: z.string().optional(),
    /** Sentiment polarity of the mention, in [-1, 1]. */
    sentimentScore: z.number().min(-1).max(1).optional(),
    /** Crisis words found in the mention, as written in the plan. */
    terms: z.array(z.string()).optional(),
    /** Negative share over the trigger's sliding window. */
    share: z
      .object({ negative: z.number().int(), total: z.number().int(), pct: z.number(), windowMs: z.number().int() })
      .strict()
      .optional(),
    signal: spikeSignalSchema.optional(),
  })
  .strict();

/**
 * A trigger of the crisis plan tripped for one brand. Travels on Kafka topic `alerts.signals`
 * from the pipeline to the gateway; validate it with this schema when reading.
 */
export const triggerHitSchema = z
  .object({
    kind: z.literal('trigger'),
    triggerId: z.string(),
    triggerKind: z.string(),
    brandId: z.string(),
    level: z.string(),
    /** Hits of one brand and group make one alert; defaults to the trigger id. */
    group: z.string(),
    planVersion: z.string(),
    /** A sentence for the console, e.g. "Negative mention by @x (120k followers) on twitter". */
    reason: z.string(),
    evidence: hitEvidenceSchema,
    /** When the trigger tripped, in ms since the epoch. */
    atMs: z.number().int(),
  })
  .strict();

export type HitEvidence = z.infer<typeof hitEvidenceSchema>;
export type TriggerHit = z.infer<typeof triggerHitSchema>;

/** alerts.signals carries trigger hits and the detector's verdicts; only hits open alerts. */
export const alertSignalSchema = z.discriminatedUnion('kind', [triggerHitSchema, spikeSignalSchema]);
export type AlertSignal = z.infer<typeof alertSignalSchema>;
