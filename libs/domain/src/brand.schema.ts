import { z } from 'zod';
import { PLATFORMS } from './mention.schema';

const term = z.string().trim().min(1).max(200);

/** What identifies a mention of a brand. Matching is case- and accent-insensitive. */
export const brandSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected a lowercase slug such as "acme-fr"'),
    name: z.string().min(1).max(200),
    keywords: z.array(term).default([]),
    hashtags: z.array(term).default([]),
    handles: z.array(term).default([]),
    exclusions: z.array(term).default([]),
    languages: z.array(z.string().min(2).max(8)).default([]),
    countries: z.array(z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 code')).default([]),
    /**
     * The brand's own accounts per platform (`bluesky: [fleurie.bsky.social]`): their posts are
     * the brand speaking, and their replies answer its reply queue. A platform not listed
     * falls back to `handles`.
     */
    accounts: z.record(z.enum(PLATFORMS), z.array(term).min(1)).default({}),
  })
  .strict();
export type Brand = z.infer<typeof brandSchema>;
