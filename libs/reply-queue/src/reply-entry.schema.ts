import { MAX_EVIDENCE_TEXT_CHARS } from '@tocsin/crisis-plan';
import { brandRecordKey, PLATFORMS } from '@tocsin/domain';
import { z } from 'zod';

/**
 * `waiting` for an answer; closed as `answered` (a brand account replied on the stream),
 * `handled` (a CM answered elsewhere, e.g. in private messages) or `not-to-answer` (a CM
 * decided it needs no answer, with the reason).
 */
export const REPLY_STATES = ['waiting', 'answered', 'handled', 'not-to-answer'] as const;
export type ReplyState = (typeof REPLY_STATES)[number];

/** What a CM can close an entry as by hand. */
export const HAND_OUTCOMES = ['handled', 'not-to-answer'] as const;
export type HandOutcome = (typeof HAND_OUTCOMES)[number];

const ms = z.number().int();

/** One negative mention of a brand's reply queue; instants in ms since the epoch. */
export const replyEntrySchema = z
  .object({
    /** `platform:id`, the mention's deduplication key: one entry per mention and brand. */
    mentionKey: z.string().min(1),
    brandId: z.string().min(1),
    platform: z.enum(PLATFORMS),
    mentionId: z.string().min(1),
    threadId: z.string().optional(),
    url: z.string().optional(),
    text: z.string().max(MAX_EVIDENCE_TEXT_CHARS),
    author: z
      .object({
        handle: z.string(),
        name: z.string().optional(),
        followers: z.number().int().nonnegative(),
        verified: z.boolean(),
      })
      .strict(),
    lang: z.string(),
    country: z.string().optional(),
    /** Sentiment polarity, in [-1, 0). */
    sentimentScore: z.number().min(-1).max(1),
    /** The plan level whose playbook gave the deadline. */
    level: z.string(),
    /** When the mention was posted (event time). */
    postedAtMs: ms,
    /** When it entered the queue (processing time). */
    queuedAtMs: ms,
    /** postedAtMs + the playbook's response deadline. */
    dueAtMs: ms,
    state: z.enum(REPLY_STATES),
    closedAtMs: ms.optional(),
    /** The brand's first reply found on the stream. */
    reply: z
      .object({ mentionKey: z.string(), author: z.string(), url: z.string().optional(), atMs: ms })
      .strict()
      .optional(),
    /** Who closed it by hand, and why (required for not-to-answer). */
    closedBy: z.string().optional(),
    reason: z.string().max(2_000).optional(),
    /** When its overdue hit was raised; an entry raises one at most. */
    overdueRaisedAtMs: ms.optional(),
  })
  .strict();
export type ReplyEntry = z.infer<typeof replyEntrySchema>;

/**
 * A change of a brand's reply queue, for the consoles (Kafka topic `replies.events`, then the
 * brand's socket room): an entry came in, was closed, or went past its deadline.
 */
export const replyQueueEventSchema = z
  .object({
    kind: z.enum(['reply.queued', 'reply.closed', 'reply.overdue']),
    atMs: ms,
    entry: replyEntrySchema,
  })
  .strict();
export type ReplyQueueEvent = z.infer<typeof replyQueueEventSchema>;
export type ReplyQueueEventKind = ReplyQueueEvent['kind'];

/** Records for `replies.events`, keyed by brand so a brand's changes stay in order. */
export function replyEventRecords(events: readonly ReplyQueueEvent[]): Array<{ key: string; value: string }> {
  return events.map((event) => ({ key: brandRecordKey(event.entry.brandId), value: JSON.stringify(event) }));
}
