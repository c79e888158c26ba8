import { formatDurationMs, type CrisisPlan, type TriggerHit } from '@tocsin/crisis-plan';
import { formatFollowers } from '@tocsin/domain';
import type { ReplyEntry } from './reply-entry.schema';

/**
 * Whether the entry should raise its overdue hit now: still waiting, past its deadline, not
 * raised before, and it entered the queue before its deadline — a mention that arrives already
 * late (a backfill, a source catching up) is shown overdue but pages nobody: the hit is about a
 * deadline missed on the team's watch.
 */
export function shouldRaiseOverdue(entry: ReplyEntry, nowMs: number): boolean {
  return (
    entry.state === 'waiting' &&
    entry.dueAtMs <= nowMs &&
    entry.overdueRaisedAtMs === undefined &&
    entry.queuedAtMs < entry.dueAtMs
  );
}

/** "45s", "25 min", "3.5 h": how long a post has waited, as a CM reads it. */
export function formatWait(ms: number): string {
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1_000))}s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}

/**
 * The hits an overdue entry raises on `alerts.signals`: one per `reply-overdue` trigger of the
 * plan whose scope takes the brand, at that trigger's level and group, so it joins the brand's
 * alerts like any other hit. None when the plan has no such trigger.
 */
export function overdueHits(entry: ReplyEntry, plan: CrisisPlan, nowMs: number): TriggerHit[] {
  const waitedMs = nowMs - entry.postedAtMs;
  const deadlineMs = entry.dueAtMs - entry.postedAtMs;
  const reach = entry.author.followers > 0 ? ` (${formatFollowers(entry.author.followers)} followers)` : '';
  const reason =
    `No reply for ${formatWait(waitedMs)} to a negative post by ` +
    `${entry.author.handle}${reach} on ${entry.platform}; the playbook asks ${formatDurationMs(deadlineMs)}`;
  return plan.triggers.flatMap((trigger): TriggerHit[] => {
    if (trigger.kind !== 'reply-overdue') return [];
    if (trigger.scope?.brands && !trigger.scope.brands.includes(entry.brandId)) return [];
    return [
      {
        kind: 'trigger',
        triggerId: trigger.id,
        triggerKind: trigger.kind,
        brandId: entry.brandId,
        level: trigger.level,
        group: trigger.group ?? trigger.id,
        planVersion: plan.version,
        reason,
        evidence: {
          mentionKey: entry.mentionKey,
          text: entry.text,
          author: entry.author.handle,
          followers: entry.author.followers,
          verified: entry.author.verified,
          platform: entry.platform,
          ...(entry.country === undefined ? {} : { country: entry.country }),
          sentimentScore: entry.sentimentScore,
        },
        atMs: nowMs,
      },
    ];
  });
}

/** The entry once its overdue hit is out. */
export function markOverdueRaised(entry: ReplyEntry, nowMs: number): ReplyEntry {
  return { ...entry, overdueRaisedAtMs: nowMs };
}
