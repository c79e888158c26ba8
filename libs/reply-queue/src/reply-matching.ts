import { isBrandAccount, mentionKey, type Brand, type Mention } from '@tocsin/domain';
import type { HandOutcome, ReplyEntry } from './reply-entry.schema';

/** A reference names a post or a thread on one platform: `platform:id`. */
function ref(platform: string, id: string): string {
  return `${platform}:${id}`;
}

/** The references a reply can point at to answer this entry: its own id and its thread's. */
export function entryRefs(entry: Pick<ReplyEntry, 'platform' | 'mentionId' | 'threadId'>): string[] {
  const refs = [ref(entry.platform, entry.mentionId)];
  if (entry.threadId !== undefined && entry.threadId !== entry.mentionId)
    refs.push(ref(entry.platform, entry.threadId));
  return refs;
}

/** The references a post points at: what it replies to, and its thread. */
export function replyRefs(reply: Pick<Mention, 'platform' | 'inReplyTo' | 'threadId'>): string[] {
  const refs = new Set<string>();
  if (reply.inReplyTo !== undefined) refs.add(ref(reply.platform, reply.inReplyTo));
  if (reply.threadId !== undefined) refs.add(ref(reply.platform, reply.threadId));
  return [...refs];
}

/**
 * Whether a brand post answers a waiting entry. Same platform, by one of the brand's accounts,
 * posted no earlier than the entry, and either a direct reply (its `inReplyTo` is the entry's
 * id) or a post in the entry's thread (the heuristic: a brand reply anywhere in a thread, after
 * a complaint, answers that complaint, as CMs answer a thread once rather than each post).
 */
export function answersEntry(
  entry: ReplyEntry,
  brand: Pick<Brand, 'handles' | 'accounts'>,
  post: Pick<Mention, 'platform' | 'author' | 'createdAt' | 'inReplyTo' | 'threadId'>,
): boolean {
  if (entry.state !== 'waiting' || post.platform !== entry.platform || !isBrandAccount(brand, post)) return false;
  if (Date.parse(post.createdAt) < entry.postedAtMs) return false;
  const targets = new Set(replyRefs(post));
  return entryRefs(entry).some((target) => targets.has(target));
}

/** The entry closed by the brand's reply; `nowMs` is when the reply was read. */
export function closeByReply(
  entry: ReplyEntry,
  post: Pick<Mention, 'platform' | 'id' | 'author' | 'createdAt' | 'url'>,
  nowMs: number,
): ReplyEntry {
  return {
    ...entry,
    state: 'answered',
    closedAtMs: nowMs,
    reply: {
      mentionKey: mentionKey(post),
      author: post.author.handle,
      ...(post.url === undefined ? {} : { url: post.url }),
      atMs: Date.parse(post.createdAt),
    },
  };
}

export type HandCloseResult =
  | { ok: true; entry: ReplyEntry }
  | { ok: false; error: { code: 'already_closed' | 'reason_required'; message: string } };

/** A CM closes an entry by hand; not-to-answer needs a reason, so the next shift knows why. */
export function closeByHand(
  entry: ReplyEntry,
  outcome: HandOutcome,
  userId: string,
  reason: string | undefined,
  nowMs: number,
): HandCloseResult {
  if (entry.state !== 'waiting') {
    return {
      ok: false,
      error: { code: 'already_closed', message: `mention ${entry.mentionKey} is already ${entry.state}` },
    };
  }
  const why = reason?.trim();
  if (outcome === 'not-to-answer' && !why) {
    return {
      ok: false,
      error: { code: 'reason_required', message: 'say why this mention needs no answer (reason)' },
    };
  }
  return {
    ok: true,
    entry: { ...entry, state: outcome, closedAtMs: nowMs, closedBy: userId, ...(why ? { reason: why } : {}) },
  };
}
