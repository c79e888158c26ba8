import { z } from 'zod';
import { resolveCreatedAt } from './created-at';
import { htmlToText } from './html-to-text';
import { fitMentionText, type MappingContext, type SourceItem } from './source-item';

const count = z.number().int().nonnegative().optional();

/** The parts of a Mastodon Status entity (docs.joinmastodon.org/entities/Status) a mention uses. */
const statusSchema = z.object({
  id: z.string().regex(/^\d+$/, 'expected a numeric status id'),
  uri: z.string().min(1),
  url: z.string().nullable().optional(),
  created_at: z.string(),
  content: z.string(),
  spoiler_text: z.string().optional(),
  language: z.string().nullable().optional(),
  in_reply_to_id: z.string().nullable().optional(),
  reblog: z.unknown().nullable().optional(),
  replies_count: count,
  reblogs_count: count,
  favourites_count: count,
  account: z.object({
    id: z.string(),
    acct: z.string().min(1),
    url: z.string().optional(),
    display_name: z.string().optional(),
    followers_count: count,
    bot: z.boolean().optional(),
  }),
});

const BCP47 = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

function isHttpUrl(value: string | null | undefined): value is string {
  if (!value) return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

export interface MastodonStatusItem {
  /** The instance's own id of the status, ordered by time: the catch-up cursor. */
  statusId: string | undefined;
  item: SourceItem;
}

/**
 * Turns one status as the instance sent it (a streaming `update` payload or an element of a
 * timeline page) into a mention. Its id is the status URI, the same on every instance that
 * federates it; the author handle is `user@domain` for local accounts too. A boost is a
 * repost, not a new mention; the boosted post reaches the timeline on its own.
 */
export function mapMastodonStatus(value: unknown, instanceUrl: string, context: MappingContext): MastodonStatusItem {
  const parsed = statusSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      statusId: undefined,
      item: {
        kind: 'malformed',
        reason: `not a Mastodon status: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
      },
    };
  }
  const status = parsed.data;
  if (status.reblog) return { statusId: status.id, item: { kind: 'skipped', reason: 'boost' } };
  const body = htmlToText(status.content);
  const warning = htmlToText(status.spoiler_text ?? '');
  const text = [warning, body].filter((part) => part !== '').join('\n');
  if (text === '') return { statusId: status.id, item: { kind: 'skipped', reason: 'status without text' } };
  const host = new URL(instanceUrl).host;
  const acct = status.account.acct.includes('@') ? status.account.acct : `${status.account.acct}@${host}`;
  const createdAt = resolveCreatedAt(status.created_at, context.nowMs, context.maxFutureSkewMs);
  const url = isHttpUrl(status.url) ? status.url : isHttpUrl(status.uri) ? status.uri : undefined;
  return {
    statusId: status.id,
    item: {
      kind: 'mention',
      createdAt: createdAt.adjustment,
      mention: {
        id: status.uri,
        platform: 'mastodon',
        text: fitMentionText(text),
        createdAt: createdAt.iso,
        author: {
          id: status.account.url ?? `${host}:${status.account.id}`,
          handle: `@${acct}`,
          ...(status.account.display_name ? { name: status.account.display_name.slice(0, 512) } : {}),
          ...(status.account.followers_count === undefined ? {} : { followers: status.account.followers_count }),
        },
        ...(url ? { url } : {}),
        ...(status.language && BCP47.test(status.language) ? { lang: status.language } : {}),
        // A Status names its parent, not its thread's root (the API has no conversation id for
        // public posts): a status that replies to nothing starts a thread, named as replies name
        // their parent, so a reply to it is found in its thread.
        ...(status.in_reply_to_id
          ? { inReplyTo: `${host}:${status.in_reply_to_id}` }
          : { threadId: `${host}:${status.id}` }),
        engagement: {
          ...(status.favourites_count === undefined ? {} : { likes: status.favourites_count }),
          ...(status.reblogs_count === undefined ? {} : { shares: status.reblogs_count }),
          ...(status.replies_count === undefined ? {} : { replies: status.replies_count }),
        },
      },
    },
  };
}

/** Mastodon ids are decimal snowflakes: compared as numbers, never as text ("99" < "100"). */
export function compareStatusIds(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

export interface MastodonTimeline {
  timeline: 'public' | 'hashtag';
  hashtag?: string;
  local: boolean;
}

/** The streaming endpoint (docs.joinmastodon.org/methods/streaming) for a timeline. */
export function mastodonStreamUrl(instanceUrl: string, timeline: MastodonTimeline): string {
  const base = instanceUrl.replace(/\/+$/, '');
  const path = `/api/v1/streaming/${timeline.timeline}${timeline.local ? '/local' : ''}`;
  const url = new URL(`${base}${path}`);
  if (timeline.timeline === 'hashtag' && timeline.hashtag) url.searchParams.set('tag', timeline.hashtag);
  return url.toString();
}

/**
 * A page of the REST timeline just after `afterId`. `min_id` (not `since_id`) is what pages
 * forward without a hole: `since_id` answers the newest page, skipping what lies between.
 */
export function mastodonCatchUpUrl(
  instanceUrl: string,
  timeline: MastodonTimeline,
  afterId: string,
  limit: number,
): string {
  const base = instanceUrl.replace(/\/+$/, '');
  const path =
    timeline.timeline === 'hashtag' && timeline.hashtag
      ? `/api/v1/timelines/tag/${encodeURIComponent(timeline.hashtag)}`
      : '/api/v1/timelines/public';
  const url = new URL(`${base}${path}`);
  url.searchParams.set('min_id', afterId);
  url.searchParams.set('limit', String(limit));
  if (timeline.local) url.searchParams.set('local', 'true');
  return url.toString();
}
