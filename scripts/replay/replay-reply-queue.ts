import type { CrisisPlan, TriggerHit } from '@tocsin/crisis-plan';
import { isBrandAccount, type EnrichedMention } from '@tocsin/domain';
import {
  admitToReplyQueue,
  answersEntry,
  closeByReply,
  computeReplyStats,
  entryRefs,
  markOverdueRaised,
  overdueHits,
  replyQueueRules,
  replyRefs,
  shouldRaiseOverdue,
  type ReplyEntry,
  type ReplyStats,
} from '@tocsin/reply-queue';

/** An entry's place in the replay's queue: brand and mention key, as the live store keys it. */
function entryId(entry: Pick<ReplyEntry, 'brandId' | 'mentionKey'>): string {
  return `${entry.brandId} ${entry.mentionKey}`;
}

/**
 * The brands' reply queues in memory, for `plan:replay`: the same decisions as the alerter's
 * `ReplyQueueActions` (the reply-queue library's pure functions) on event time. A negative
 * mention the plan's rules take enters; a brand account's post that answers it closes it; an
 * entry still waiting at its deadline raises the plan's reply-overdue hits once.
 */
export class ReplayReplyQueue {
  private readonly entries = new Map<string, ReplyEntry>();
  /** Waiting entries by `<brandId> <platform:id>` of their post and thread, as replies point at them. */
  private readonly waitingByRef = new Map<string, Set<string>>();
  /** Deadlines still to check, soonest first; closed entries are skipped when reached. */
  private deadlines: Array<{ atMs: number; id: string }> = [];
  private readonly horizonMs: number;

  constructor(private readonly plan: CrisisPlan) {
    this.horizonMs = replyQueueRules(plan).horizonMs;
  }

  /**
   * One mention of `brandId` read at `nowMs` (its event time): a brand post closes what it
   * answers; another negative post enters if `admit` (mentions before --live-from are a
   * backfill, which the live queue does not take either).
   */
  take(brandId: string, mention: EnrichedMention, nowMs: number, admit: boolean): void {
    const brand = this.plan.brands.find((candidate) => candidate.id === brandId);
    if (!brand) return;
    if (isBrandAccount(brand, mention)) {
      const ids = new Set(replyRefs(mention).flatMap((ref) => [...(this.waitingByRef.get(`${brandId} ${ref}`) ?? [])]));
      for (const id of ids) {
        const entry = this.entries.get(id);
        // Past its horizon the live store has forgotten the entry: a late reply finds nothing.
        if (!entry || nowMs - entry.postedAtMs > this.horizonMs || !answersEntry(entry, brand, mention)) continue;
        this.close(closeByReply(entry, mention, nowMs));
      }
    }
    const entry = admit ? admitToReplyQueue(this.plan, brandId, mention, nowMs) : undefined;
    if (!entry || this.entries.has(entryId(entry))) return;
    const id = entryId(entry);
    this.entries.set(id, entry);
    for (const ref of entryRefs(entry)) {
      const key = `${brandId} ${ref}`;
      this.waitingByRef.set(key, (this.waitingByRef.get(key) ?? new Set()).add(id));
    }
    if (entry.queuedAtMs < entry.dueAtMs) this.scheduleDeadline(entry.dueAtMs, id);
  }

  /** The soonest deadline of a waiting entry, if any. */
  nextDeadlineMs(): number | undefined {
    while (this.deadlines.length > 0) {
      const first = this.deadlines[0];
      if (first && this.entries.get(first.id)?.state === 'waiting') return first.atMs;
      this.deadlines.shift();
    }
    return undefined;
  }

  /** Every entry past its deadline at `nowMs`, marked, and the reply-overdue hits they raise. */
  raiseDue(nowMs: number): TriggerHit[] {
    const hits: TriggerHit[] = [];
    while (this.deadlines.length > 0 && (this.deadlines[0]?.atMs ?? Infinity) <= nowMs) {
      const due = this.deadlines.shift();
      const entry = due === undefined ? undefined : this.entries.get(due.id);
      if (!entry || !shouldRaiseOverdue(entry, nowMs)) continue;
      hits.push(...overdueHits(entry, this.plan, nowMs));
      this.entries.set(entryId(entry), markOverdueRaised(entry, nowMs));
    }
    return hits;
  }

  /** Every entry, in the order they entered. */
  all(): ReplyEntry[] {
    return [...this.entries.values()];
  }

  /** The queue's figures at `nowMs`, as the console's stats read them. */
  stats(nowMs: number): ReplyStats {
    return computeReplyStats(this.all(), nowMs);
  }

  private close(entry: ReplyEntry): void {
    const id = entryId(entry);
    this.entries.set(id, entry);
    for (const ref of entryRefs(entry)) this.waitingByRef.get(`${entry.brandId} ${ref}`)?.delete(id);
  }

  private scheduleDeadline(atMs: number, id: string): void {
    // Deadlines come nearly in order (post time plus one of a few deadlines): insert from the end.
    let index = this.deadlines.length;
    while (index > 0 && (this.deadlines[index - 1]?.atMs ?? 0) > atMs) index -= 1;
    this.deadlines.splice(index, 0, { atMs, id });
  }
}
