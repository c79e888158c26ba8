import type { ReplyEntry } from './reply-entry.schema';

/** Reach tiers by followers: under 1k, 1k, 10k, 100k and more. A tier weighs more than any wait. */
export function reachTier(followers: number): number {
  if (followers >= 100_000) return 3;
  if (followers >= 10_000) return 2;
  if (followers >= 1_000) return 1;
  return 0;
}

/**
 * Most urgent first: past its deadline before within it, then larger reach (an influencer
 * weighs more than their count), then the nearer deadline, then the older post.
 */
export function compareUrgency(a: ReplyEntry, b: ReplyEntry, nowMs: number): number {
  const overdue = Number(b.dueAtMs <= nowMs) - Number(a.dueAtMs <= nowMs);
  if (overdue !== 0) return overdue;
  const reach = reachTier(b.author.followers) - reachTier(a.author.followers);
  if (reach !== 0) return reach;
  return a.dueAtMs - b.dueAtMs || a.postedAtMs - b.postedAtMs || a.mentionKey.localeCompare(b.mentionKey);
}

/** Waiting entries, most urgent first (see compareUrgency). */
export function orderByUrgency(entries: readonly ReplyEntry[], nowMs: number): ReplyEntry[] {
  return entries.filter((entry) => entry.state === 'waiting').sort((a, b) => compareUrgency(a, b, nowMs));
}
