import { z } from 'zod';
import { resolveCreatedAt } from './created-at';
import { fitMentionText, type MappingContext, type SourceItem } from './source-item';

export const BLUESKY_POST_COLLECTION = 'app.bsky.feed.post';

const strongRefSchema = z.object({ uri: z.string().min(1), cid: z.string().optional() });

const postRecordSchema = z.object({
  text: z.string(),
  createdAt: z.string().optional(),
  langs: z.array(z.string()).optional(),
  reply: z.object({ parent: strongRefSchema, root: strongRefSchema.optional() }).optional(),
});

/** A Jetstream event (https://github.com/bluesky-social/jetstream, "Consuming Jetstream"). */
const jetstreamEventSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('commit'),
    did: z.string().min(1),
    time_us: z.number().int().positive(),
    commit: z.object({
      operation: z.enum(['create', 'update', 'delete']),
      collection: z.string(),
      rkey: z.string().min(1),
      record: z.unknown().optional(),
    }),
  }),
  z.object({
    kind: z.literal('identity'),
    did: z.string().min(1),
    time_us: z.number().int().positive(),
    identity: z.object({ did: z.string(), handle: z.string().optional() }),
  }),
  z.object({ kind: z.literal('account'), did: z.string().min(1), time_us: z.number().int().positive() }),
]);

const KNOWN_KINDS = new Set(['commit', 'identity', 'account']);

export type JetstreamFrame =
  | { kind: 'item'; timeUs: number; item: SourceItem }
  /** An identity event: the account's current handle, to cache. */
  | { kind: 'identity'; timeUs: number; did: string; handle: string | undefined }
  | { kind: 'other'; timeUs: number }
  | { kind: 'malformed'; reason: string };

const BCP47 = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

/**
 * Reads one Jetstream text frame. New posts become mentions whose id is the post's AT URI
 * (unique across the network) and whose author handle is the DID until a handle is known;
 * replies carry their parent's URI in `inReplyTo` and every post its thread's root URI in
 * `threadId`. `time_us` is the resume cursor.
 */
export function readJetstreamFrame(frame: string, context: MappingContext): JetstreamFrame {
  let json: unknown;
  try {
    json = JSON.parse(frame);
  } catch (error) {
    return {
      kind: 'malformed',
      reason: `frame is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const kind = typeof json === 'object' && json !== null && 'kind' in json ? json.kind : undefined;
  const timeUs = typeof json === 'object' && json !== null && 'time_us' in json ? json.time_us : undefined;
  // An event kind added to Jetstream after this code moves the cursor and is otherwise ignored.
  if (typeof kind === 'string' && !KNOWN_KINDS.has(kind) && typeof timeUs === 'number' && timeUs > 0) {
    return { kind: 'other', timeUs };
  }
  const event = jetstreamEventSchema.safeParse(json);
  if (!event.success) {
    const issue = event.error.issues[0];
    return {
      kind: 'malformed',
      reason: `not a Jetstream event: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    };
  }
  const value = event.data;
  if (value.kind === 'identity') {
    return { kind: 'identity', timeUs: value.time_us, did: value.did, handle: value.identity.handle };
  }
  if (value.kind === 'account') return { kind: 'other', timeUs: value.time_us };
  const { commit } = value;
  if (commit.collection !== BLUESKY_POST_COLLECTION) return { kind: 'other', timeUs: value.time_us };
  if (commit.operation !== 'create') {
    return { kind: 'item', timeUs: value.time_us, item: { kind: 'skipped', reason: `post ${commit.operation}` } };
  }
  const record = postRecordSchema.safeParse(commit.record);
  if (!record.success) {
    const issue = record.error.issues[0];
    return {
      kind: 'item',
      timeUs: value.time_us,
      item: { kind: 'malformed', reason: `post record ${issue?.path.join('.') || '(root)'}: ${issue?.message}` },
    };
  }
  const text = record.data.text.trim();
  if (text === '')
    return { kind: 'item', timeUs: value.time_us, item: { kind: 'skipped', reason: 'post without text' } };
  const createdAt = resolveCreatedAt(record.data.createdAt, context.nowMs, context.maxFutureSkewMs);
  const lang = record.data.langs?.find((tag) => BCP47.test(tag));
  const postUri = `at://${value.did}/${BLUESKY_POST_COLLECTION}/${commit.rkey}`;
  return {
    kind: 'item',
    timeUs: value.time_us,
    item: {
      kind: 'mention',
      createdAt: createdAt.adjustment,
      mention: {
        id: postUri,
        platform: 'bluesky',
        text: fitMentionText(text),
        createdAt: createdAt.iso,
        author: { id: value.did, handle: value.did },
        url: `https://bsky.app/profile/${value.did}/post/${commit.rkey}`,
        ...(lang ? { lang } : {}),
        ...(record.data.reply ? { inReplyTo: record.data.reply.parent.uri } : {}),
        // A reply names its thread's root; a post that replies to nothing roots its own thread.
        threadId: record.data.reply?.root?.uri ?? (record.data.reply ? record.data.reply.parent.uri : postUri),
      },
    },
  };
}

/** The subscribe URL for posts, resuming at `cursorUs` when given (Jetstream replays from that time). */
export function jetstreamSubscribeUrl(base: string, cursorUs: number | undefined): string {
  const url = new URL(base);
  url.searchParams.set('wantedCollections', BLUESKY_POST_COLLECTION);
  if (cursorUs !== undefined) url.searchParams.set('cursor', String(cursorUs));
  return url.toString();
}

const profilesSchema = z.object({
  profiles: z.array(
    z.object({
      did: z.string(),
      handle: z.string(),
      displayName: z.string().optional(),
      followersCount: z.number().int().nonnegative().optional(),
    }),
  ),
});

export interface BlueskyProfile {
  did: string;
  handle: string;
  name?: string;
  followers?: number;
}

/** Reads an app.bsky.actor.getProfiles answer; undefined when it is not one. */
export function readBlueskyProfiles(json: unknown): BlueskyProfile[] | undefined {
  const parsed = profilesSchema.safeParse(json);
  if (!parsed.success) return undefined;
  return parsed.data.profiles.map((profile) => ({
    did: profile.did,
    handle: profile.handle,
    ...(profile.displayName ? { name: profile.displayName.slice(0, 512) } : {}),
    ...(profile.followersCount === undefined ? {} : { followers: profile.followersCount }),
  }));
}
