import { isoInstantSchema } from './instant.schema';
import { z } from 'zod';
import { mentionSchema } from './mention.schema';

export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export const sentimentSchema = z.object({
  lang: z.string(),
  label: z.enum(SENTIMENT_LABELS),
  /** Polarity in [-1, 1]. */
  score: z.number().min(-1).max(1),
  /** How sure the analyzer is, in [0, 1]. */
  confidence: z.number().min(0).max(1),
  /** The words, emoji or patterns that decided the label, for a CM to read. */
  cues: z.array(z.string()),
});
export type Sentiment = z.infer<typeof sentimentSchema>;

export const enrichedMentionSchema = mentionSchema.extend({
  key: z.string(),
  lang: z.string(),
  brandIds: z.array(z.string()),
  sentiment: sentimentSchema,
  /** When the pipeline enriched it (ISO-8601). */
  enrichedAt: isoInstantSchema,
});
export type EnrichedMention = z.infer<typeof enrichedMentionSchema>;
