import {
  REPORT_LEAD_IN_MS,
  type Incident,
  type IncidentReplyStats,
  type IncidentReplyStatsSource,
} from '@tocsin/alerting';
import type { TriggerHit } from '@tocsin/crisis-plan';
import { isBrandAccount, systemClock, type Clock, type EnrichedMention } from '@tocsin/domain';
import type { PlanSource } from '@tocsin/plan-source';
import type { ReplyQueueStore, StoredReplyEntry } from '@tocsin/redis';
import {
  admitToReplyQueue,
  answersEntry,
  closeByHand,
  closeByReply,
  computeReplyStats,
  firstReplyMs,
  markOverdueRaised,
  orderByUrgency,
  overdueHits,
  replyQueueRules,
  replyRefs,
  shouldRaiseOverdue,
  type HandOutcome,
  type ReplyEntry,
  type ReplyQueueEvent,
  type ReplyStats,
} from '@tocsin/reply-queue';

/** How long a claimed overdue check stays with the alerter that took it before another may. */
const OVERDUE_LEASE_MS = 5_000;
/** Compare-and-set retries: a conflict means someone else just changed the entry. */
const MAX_REPLACE_ATTEMPTS = 5;

export type HandCloseOutcome =
  | { ok: true; entry: ReplyEntry; event: ReplyQueueEvent }
  | {
      ok: false;
      error: { code: 'not_found' | 'unknown_user' | 'already_closed' | 'reason_required'; message: string };
    };

export interface ReplyQueueView {
  brandId: string;
  nowMs: number;
  /** Waiting entries, most urgent first (`stats.waiting` counts them all). */
  waiting: ReplyEntry[];
  /** Closed entries within the horizon, most recently closed first, with their time to first reply (ms). */
  closed: Array<ReplyEntry & { firstReplyMs?: number }>;
  stats: ReplyStats;
  horizonMs: number;
}

/**
 * The reply queue's use cases on shared state, for the alerter (mentions read from the stream,
 * overdue checks) and the gateway (a CM closing an entry, the console's view). Decisions are
 * the reply-queue library's pure functions; callers publish the events returned.
 */
export class ReplyQueueActions implements IncidentReplyStatsSource {
  /**
   * @param liveMaxAgeMs mentions posted longer ago than this when read do not enter the queue
   * (LIVE_MAX_AGE_MS: what is too old for the wall and for pages is too old to answer now).
   */
  constructor(
    private readonly store: ReplyQueueStore,
    private readonly plan: PlanSource,
    private readonly liveMaxAgeMs = Number.POSITIVE_INFINITY,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * One enriched mention of a brand: a brand account's post closes the waiting entries it
   * answers; another negative post the plan says deserves an answer enters the queue.
   * Replayed mentions change nothing (entries are keyed by mention, closing needs `waiting`).
   */
  async takeMention(brandId: string, mention: EnrichedMention, nowMs: number): Promise<ReplyQueueEvent[]> {
    const { plan } = this.plan.current();
    const brand = plan.brands.find((candidate) => candidate.id === brandId);
    if (!brand) return [];
    const { horizonMs } = replyQueueRules(plan);
    const events: ReplyQueueEvent[] = [];
    // Only the brand's own posts can answer: other posts cost no Redis read here.
    const candidates = isBrandAccount(brand, mention) ? await this.store.findWaiting(brandId, replyRefs(mention)) : [];
    for (const stored of candidates) {
      if (!answersEntry(stored.entry, brand, mention)) continue;
      const closed = await this.change(
        stored,
        (entry) => (answersEntry(entry, brand, mention) ? closeByReply(entry, mention, nowMs) : undefined),
        nowMs,
      );
      if (closed) events.push({ kind: 'reply.closed', atMs: nowMs, entry: closed });
    }
    const entry = admitToReplyQueue(plan, brandId, mention, nowMs, this.liveMaxAgeMs);
    if (entry) {
      const overdueAtMs = entry.queuedAtMs < entry.dueAtMs ? entry.dueAtMs : undefined;
      if (await this.store.add(entry, horizonMs, nowMs, overdueAtMs)) {
        events.push({ kind: 'reply.queued', atMs: nowMs, entry });
      }
    }
    return events;
  }

  /** A CM marks an entry handled (answered elsewhere) or not to answer (with a reason). */
  async closeByHand(
    brandId: string,
    mentionKey: string,
    outcome: HandOutcome,
    userId: string,
    reason: string | undefined,
    nowMs: number,
  ): Promise<HandCloseOutcome> {
    if (!this.plan.current().plan.people.some((person) => person.id === userId)) {
      return { ok: false, error: { code: 'unknown_user', message: `no person "${userId}" in the crisis plan` } };
    }
    for (let attempt = 0; attempt < MAX_REPLACE_ATTEMPTS; attempt += 1) {
      const stored = await this.store.get(brandId, mentionKey);
      if (!stored) {
        return {
          ok: false,
          error: { code: 'not_found', message: `no mention "${mentionKey}" in the reply queue of "${brandId}"` },
        };
      }
      const closed = closeByHand(stored.entry, outcome, userId, reason, nowMs);
      if (!closed.ok) return closed;
      if (await this.store.replace(stored, closed.entry, this.horizonMs(), nowMs)) {
        return { ok: true, entry: closed.entry, event: { kind: 'reply.closed', atMs: nowMs, entry: closed.entry } };
      }
    }
    throw new Error(`reply-queue entry ${brandId}/${mentionKey} kept changing under ${MAX_REPLACE_ATTEMPTS} attempts`);
  }

  /**
   * Entries whose deadline passed: the hits to publish on alerts.signals (per the plan's
   * reply-overdue triggers) and the console events, handed to `publish`; only once they are
   * published is the entry marked, so a crash in between raises the same hit again, which
   * the alert folds as a replay of the same mention.
   */
  async raiseOverdue(
    nowMs: number,
    publish: (hits: TriggerHit[], events: ReplyQueueEvent[]) => Promise<void>,
  ): Promise<number> {
    const { plan } = this.plan.current();
    const claimed = await this.store.claimOverdue(nowMs, OVERDUE_LEASE_MS, 50);
    const due: StoredReplyEntry[] = [];
    for (const stored of claimed) {
      if (shouldRaiseOverdue(stored.entry, nowMs)) due.push(stored);
      else await this.store.cancelOverdue(stored.entry);
    }
    if (due.length === 0) return 0;
    const hits = due.flatMap((stored) => overdueHits(stored.entry, plan, nowMs));
    const events = due.map((stored): ReplyQueueEvent => ({
      kind: 'reply.overdue',
      atMs: nowMs,
      entry: markOverdueRaised(stored.entry, nowMs),
    }));
    await publish(hits, events);
    for (const stored of due) {
      await this.change(
        stored,
        (entry) => (shouldRaiseOverdue(entry, nowMs) ? markOverdueRaised(entry, nowMs) : undefined),
        nowMs,
      );
    }
    return due.length;
  }

  /** The console's view of a brand's queue: the `limit` most urgent and most recently closed, stats over all. */
  async view(brandId: string, nowMs: number, limit: number): Promise<ReplyQueueView> {
    const { waiting, closed } = await this.store.list(brandId);
    return {
      brandId,
      nowMs,
      waiting: orderByUrgency(waiting, nowMs).slice(0, limit),
      closed: closed
        .sort((a, b) => (b.closedAtMs ?? 0) - (a.closedAtMs ?? 0))
        .slice(0, limit)
        .map((entry) => {
          const replyMs = firstReplyMs(entry);
          return replyMs === undefined ? entry : { ...entry, firstReplyMs: replyMs };
        }),
      stats: computeReplyStats([...waiting, ...closed], nowMs),
      horizonMs: this.horizonMs(),
    };
  }

  /**
   * Reply times for a crisis report: the brand's queue entries posted from the report's lead-in
   * before the incident opened (the complaints that opened it come first) until it was resolved,
   * as far back as the queue keeps them (its horizon, 5,000 entries per brand).
   */
  async statsFor(incident: Incident): Promise<IncidentReplyStats | undefined> {
    const { waiting, closed } = await this.store.list(incident.brandId);
    const endMs = incident.resolvedAtMs ?? Number.MAX_SAFE_INTEGER;
    const during = [...waiting, ...closed].filter(
      (entry) => entry.postedAtMs >= incident.openedAtMs - REPORT_LEAD_IN_MS && entry.postedAtMs <= endMs,
    );
    if (during.length === 0) return undefined;
    const stats = computeReplyStats(during, incident.resolvedAtMs ?? this.clock.now());
    return {
      due: during.length - stats.notToAnswer,
      answered: stats.answered + stats.handled,
      ...(stats.medianReplyMs !== null && { medianFirstReplyMs: stats.medianReplyMs }),
      ...(stats.p90ReplyMs !== null && { p90FirstReplyMs: stats.p90ReplyMs }),
      ...(stats.inTimePct !== null && { withinDeadlinePct: stats.inTimePct }),
    };
  }

  private horizonMs(): number {
    return replyQueueRules(this.plan.current().plan).horizonMs;
  }

  /** Applies `decide` with compare-and-set, re-reading on conflict; undefined when it declines. */
  private async change(
    first: StoredReplyEntry,
    decide: (entry: ReplyEntry) => ReplyEntry | undefined,
    nowMs: number,
  ): Promise<ReplyEntry | undefined> {
    let stored: StoredReplyEntry | undefined = first;
    for (let attempt = 0; attempt < MAX_REPLACE_ATTEMPTS && stored; attempt += 1) {
      const next = decide(stored.entry);
      if (!next) return undefined;
      if (await this.store.replace(stored, next, this.horizonMs(), nowMs)) return next;
      stored = await this.store.get(stored.entry.brandId, stored.entry.mentionKey);
    }
    if (!stored) return undefined;
    throw new Error(
      `reply-queue entry ${first.entry.brandId}/${first.entry.mentionKey} kept changing under ${MAX_REPLACE_ATTEMPTS} attempts`,
    );
  }
}
