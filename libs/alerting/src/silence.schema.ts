import { PLATFORMS } from '@tocsin/domain';
import { z } from 'zod';

const silenceFields = {
  /** Every matcher given must equal the hit's value; at least one is required. */
  matchers: z
    .object({
      brandId: z.string().min(1).optional(),
      triggerId: z.string().min(1).optional(),
      platform: z.enum(PLATFORMS).optional(),
    })
    .strict()
    .refine((matchers) => Object.keys(matchers).length > 0, 'give at least one of brandId, triggerId, platform'),
  startsAtMs: z.number().int().nonnegative(),
  endsAtMs: z.number().int().nonnegative(),
  reason: z.string().trim().min(1).max(2_000),
};

/** Who set and who ended a silence: the signed-in person, recorded by the server, never read from a body. */
const silenceTrail = {
  createdBy: z.string().min(1),
  createdAtMs: z.number().int().nonnegative().optional(),
  /** Set when someone ended the silence before its time; `endsAtMs` is then that moment. */
  endedBy: z.string().min(1).optional(),
};

function endsAfterStart(silence: { startsAtMs: number; endsAtMs: number }): boolean {
  return silence.endsAtMs > silence.startsAtMs;
}
const ENDS_AFTER_START = { message: 'must end after it starts', path: ['endsAtMs'] };

/** A silence as stored: hits it matches open no alert while it lasts. */
export const silenceSchema = z
  .object({ id: z.string().min(1), ...silenceFields, ...silenceTrail })
  .strict()
  .refine(endsAfterStart, ENDS_AFTER_START);

/** The body of an HTTP request creating a silence; the server assigns the id and the author. */
export const newSilenceSchema = z.object(silenceFields).strict().refine(endsAfterStart, ENDS_AFTER_START);

export type Silence = z.infer<typeof silenceSchema>;
export type NewSilence = z.infer<typeof newSilenceSchema>;
