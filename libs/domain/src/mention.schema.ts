import { isoInstantSchema } from './instant.schema';
import { z } from 'zod';

export const PLATFORMS = [
  'twitter',
  'facebook',
  'instagram',
  'tiktok',
  'youtube',
  'linkedin',
  'reddit',
  'bluesky',
  'mastodon',
  'forum',
  'review',
  'news',
  'blog',
  'other',
] as const;
export type Platform = (typeof PLATFORMS)[number];

export const MAX_TEXT_CHARS = 10_000;

const count = z.number().int().nonnegative();

export const authorSchema = z
  .object({
    id: z.string().min(1).max(256),
    handle: z.string().min(1).max(256),
    name: z.string().max(512).optional(),
    followers: count.optional(),
    verified: z.boolean().optional(),
  })
  .strict();

/** A public mention as a source delivers it; unknown fields are rejected so typos surface. */
export const mentionSchema = z
  .object({
    id: z.string().min(1).max(256),
    platform: z.enum(PLATFORMS),
    text: z.string().min(1).max(MAX_TEXT_CHARS),
    createdAt: isoInstantSchema,
    author: authorSchema,
    url: z.string().url().optional(),
    lang: z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'expected a BCP-47 tag such as "fr" or "en-GB"')
      .optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 code such as "FR"')
      .optional(),
    engagement: z
      .object({ likes: count.optional(), shares: count.optional(), replies: count.optional() })
      .strict()
      .optional(),
    brandIds: z.array(z.string().min(1).max(128)).max(64).optional(),
    inReplyTo: z.string().min(1).max(256).optional(),
    /**
     * The conversation the post belongs to, as the source names it (a Bluesky thread's root
     * post, a Mastodon status that starts a thread): replies in one thread share it.
     */
    threadId: z.string().min(1).max(256).optional(),
  })
  .strict();

export type Author = z.infer<typeof authorSchema>;
export type Mention = z.infer<typeof mentionSchema>;

/** Deduplication key: ids are unique per platform only. */
export function mentionKey(mention: Pick<Mention, 'platform' | 'id'>): string {
  return `${mention.platform}:${mention.id}`;
}
