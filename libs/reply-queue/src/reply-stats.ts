import type { ReplyEntry } from './reply-entry.schema';

/** Time from the post to its first answer (on the stream, or marked handled), in ms; undefined while none. */
export function firstReplyMs(entry: ReplyEntry): number | undefined {
  if (entry.state === 'answered' && entry.reply) return Math.max(0, entry.reply.atMs - entry.postedAtMs);
  if (entry.state === 'handled' && entry.closedAtMs !== undefined)
    return Math.max(0, entry.closedAtMs - entry.postedAtMs);
  return undefined;
}

/** Whether the entry's first answer came by its deadline. */
export function answeredInTime(entry: ReplyEntry): boolean {
  const replyMs = firstReplyMs(entry);
  return replyMs !== undefined && entry.postedAtMs + replyMs <= entry.dueAtMs;
}

export interface ReplyStats {
  waiting: number;
  /** Waiting past their deadline. */
  overdue: number;
  answered: number;
  handled: number;
  notToAnswer: number;
  /** Entries whose outcome against the deadline is known: answered or handled, or waiting past it. */
  judged: number;
  answeredInTime: number;
  /** answeredInTime ÷ judged, in percent with one decimal; null when nothing can be judged yet. */
  inTimePct: number | null;
  /** Median and 90th percentile of the time to first reply, ms; null without any reply. */
  medianReplyMs: number | null;
  p90ReplyMs: number | null;
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? null;
}

/**
 * How a brand's queue is kept: counts by state, the share answered within the playbook
 * deadline, and reply times (nearest-rank percentiles). Entries marked not-to-answer count
 * in neither the share nor the times.
 */
export function computeReplyStats(entries: readonly ReplyEntry[], nowMs: number): ReplyStats {
  const replyTimes: number[] = [];
  let judged = 0;
  let inTime = 0;
  let overdue = 0;
  const count = { waiting: 0, answered: 0, handled: 0, 'not-to-answer': 0 };
  for (const entry of entries) {
    count[entry.state] += 1;
    const replyMs = firstReplyMs(entry);
    if (replyMs !== undefined) {
      replyTimes.push(replyMs);
      judged += 1;
      if (answeredInTime(entry)) inTime += 1;
    } else if (entry.state === 'waiting' && entry.dueAtMs <= nowMs) {
      overdue += 1;
      judged += 1;
    }
  }
  replyTimes.sort((a, b) => a - b);
  return {
    waiting: count.waiting,
    overdue,
    answered: count.answered,
    handled: count.handled,
    notToAnswer: count['not-to-answer'],
    judged,
    answeredInTime: inTime,
    inTimePct: judged === 0 ? null : Math.round((inTime * 1000) / judged) / 10,
    medianReplyMs: percentile(replyTimes, 50),
    p90ReplyMs: percentile(replyTimes, 90),
  };
}
