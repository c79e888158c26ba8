import { isoInstantSchema } from './instant.schema';
import { z } from 'zod';

/** Per-brand series fed to the spike detector, one point per closed interval. */
export const SIGNAL_METRICS = ['volume', 'negativeVolume', 'negativeShare', 'reachNegative'] as const;
export type SignalMetric = (typeof SIGNAL_METRICS)[number];

/** A detector verdict for one brand × metric at the close of one interval (event time). */
export const spikeSignalSchema = z.object({
  kind: z.literal('spike'),
  brandId: z.string(),
  metric: z.enum(SIGNAL_METRICS),
  intervalStart: isoInstantSchema,
  intervalEnd: isoInstantSchema,
  observed: z.number(),
  expected: z.number(),
  lower: z.number(),
  upper: z.number(),
  /** Anomaly score in [0, 1]; alert is score >= 0.5. */
  score: z.number().min(0).max(1),
  alert: z.boolean(),
  /** Start of the current anomalous run, if any (ISO-8601). */
  since: isoInstantSchema.optional(),
  explanation: z.string(),
});
export type SpikeSignal = z.infer<typeof spikeSignalSchema>;
