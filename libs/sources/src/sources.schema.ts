import { positiveDurationMsSchema } from '@tocsin/crisis-plan';
import { PLATFORMS } from '@tocsin/domain';
import { z } from 'zod';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected a lowercase slug such as "bluesky-acme"');
const term = z.string().trim().min(1).max(200);

function urlWithScheme(schemes: readonly string[]) {
  return z
    .string()
    .url()
    .refine((value) => schemes.includes(new URL(value).protocol), {
      message: `expected a ${schemes.map((scheme) => scheme.replace(':', '')).join(' or ')} URL`,
    });
}

/** What every source has: who it is, which brands it speaks of, when its silence is worth saying. */
const commonFields = {
  id: slug,
  /** Brands every item of this source is about (the pipeline still matches keywords). */
  brandIds: z.array(slug).min(1).optional(),
  /** Keeps only items naming one of these (word boundaries, case- and accent-insensitive). */
  keywords: z.array(term).min(1).optional(),
  /** Health reports the source as silent after this long without an item. */
  silentAfter: positiveDurationMsSchema.default('30m'),
};

export const jetstreamSourceSchema = z
  .object({
    ...commonFields,
    kind: z.literal('jetstream'),
    /** A Jetstream instance's subscribe endpoint. */
    url: urlWithScheme(['ws:', 'wss:']).default('wss://jetstream2.us-east.bsky.network/subscribe'),
    /** The public firehose carries every post of the network: keywords are what makes it a listening source. */
    keywords: z.array(term).min(1),
    /** AppView serving app.bsky.actor.getProfiles, for authors' handles and follower counts. */
    profilesUrl: urlWithScheme(['http:', 'https:']).optional(),
    /** A socket with no event for this long is reconnected (the firehose is never quiet). */
    reconnectAfterSilence: positiveDurationMsSchema.default('1m'),
  })
  .strict();

export const mastodonSourceSchema = z
  .object({
    ...commonFields,
    kind: z.literal('mastodon'),
    /** The instance's base URL, e.g. https://mastodon.social. */
    instance: urlWithScheme(['http:', 'https:']),
    /**
     * The streaming server, when the instance serves it on another host (its
     * /api/v1/instance answer, configuration.urls.streaming, e.g. wss://streaming.mastodon.social):
     * the instance would redirect there, and a redirect to another host drops the token.
     */
    streamingUrl: urlWithScheme(['http:', 'https:', 'ws:', 'wss:']).optional(),
    timeline: z.enum(['public', 'hashtag']).default('public'),
    /** Without "#"; required for the hashtag timeline. */
    hashtag: z
      .string()
      .regex(/^[\p{L}\p{N}_]+$/u, 'expected a hashtag without "#", letters, digits and "_"')
      .optional(),
    /** Only the instance's own posts, not the federated ones. */
    local: z.boolean().default(false),
    /** Name of the environment variable holding an access token (never the token itself). */
    accessTokenEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name such as MASTODON_TOKEN')
      .optional(),
    /** The server sends a heartbeat comment every ~15 s; this long without a byte means a dead stream. */
    reconnectAfterSilence: positiveDurationMsSchema.default('1m'),
  })
  .strict();

export const feedSourceSchema = z
  .object({
    ...commonFields,
    kind: z.literal('feed'),
    /** An RSS 2.0 or Atom document. */
    url: urlWithScheme(['http:', 'https:']),
    /** Polling interval when the feed answers. */
    every: positiveDurationMsSchema.default('5m'),
    /** Platform of the feed's items (news sites, blogs, review sites, forums). */
    platform: z.enum(PLATFORMS).default('news'),
    /** BCP-47 language of the items when the feed does not say. */
    lang: z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'expected a BCP-47 tag such as "fr" or "en-GB"')
      .optional(),
  })
  .strict();

export const sourceSchema = z.discriminatedUnion('kind', [
  jetstreamSourceSchema,
  mastodonSourceSchema,
  feedSourceSchema,
]);

export const sourcesFileSchema = z
  .object({
    sources: z.array(sourceSchema),
  })
  .strict();

export type JetstreamSource = z.infer<typeof jetstreamSourceSchema>;
export type MastodonSource = z.infer<typeof mastodonSourceSchema>;
export type FeedSource = z.infer<typeof feedSourceSchema>;
export type Source = z.infer<typeof sourceSchema>;
export type SourceKind = Source['kind'];
export type SourcesFile = z.infer<typeof sourcesFileSchema>;
