import { z } from 'zod';
import { alertSchema, notificationSchema, type AlertEvent } from './alert.schema';

/**
 * An alert fact as it travels between apps (alerter → gateway, on Kafka topic `alerts.events`):
 * the same shape as `AlertEvent`, validated when read.
 */
export const alertEventSchema: z.ZodType<AlertEvent, z.ZodTypeDef, unknown> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('alert.opened'), atMs: z.number().int(), alert: alertSchema }).strict(),
  z.object({ kind: z.literal('alert.updated'), atMs: z.number().int(), alert: alertSchema }).strict(),
  z
    .object({ kind: z.literal('alert.upgraded'), atMs: z.number().int(), alert: alertSchema, fromLevel: z.string() })
    .strict(),
  z
    .object({ kind: z.literal('alert.acknowledged'), atMs: z.number().int(), alert: alertSchema, by: z.string() })
    .strict(),
  z
    .object({
      kind: z.literal('alert.escalated'),
      atMs: z.number().int(),
      alert: alertSchema,
      notification: notificationSchema,
    })
    .strict(),
  z
    .object({
      kind: z.literal('alert.resolved'),
      atMs: z.number().int(),
      alert: alertSchema,
      by: z.string(),
      reason: z.string(),
    })
    .strict(),
]);
