import type { CrisisPlan, TriggerHit } from '@tocsin/crisis-plan';
import { alertGroupKey } from './alert-lifecycle';
import type { Alert } from './alert.schema';
import { findInhibitor } from './inhibition';
import type { ConsoleEvent } from './outbox';

/**
 * Hits of one batch by alert group, groups in the order of their first hit and each group's
 * hits in their own order: a storm of hits on one group becomes one change to one alert.
 */
export function groupHits(hits: readonly TriggerHit[]): Map<string, TriggerHit[]> {
  const groups = new Map<string, TriggerHit[]>();
  for (const hit of hits) {
    const key = alertGroupKey(hit);
    const group = groups.get(key);
    if (group) group.push(hit);
    else groups.set(key, [hit]);
  }
  return groups;
}

/**
 * The events of several changes to one alert made at once, with only the last `alert.updated`
 * kept: each carries the whole alert, so a console misses nothing, and a storm of evidence does
 * not become a storm of console messages. Every other event (opened, upgraded, escalated,
 * incident facts) stays, in order.
 */
export function withLastUpdateOnly<E extends ConsoleEvent>(events: readonly E[]): E[] {
  const last = events.findLastIndex((event) => event.kind === 'alert.updated');
  return events.filter((event, index) => event.kind !== 'alert.updated' || index === last);
}

/** A group's hits as `handleHit` would take them one by one: leading runs fed to higher alerts, then the rest. */
export interface InhibitedSplit {
  /** Runs of consecutive hits, each folded into its inhibitor as evidence. */
  inhibited: Array<{ inhibitor: Alert; hits: TriggerHit[] }>;
  /** The hits from the first one no live alert inhibits: it opens the group's alert, the rest follow it. */
  own: TriggerHit[];
}

/**
 * Splits one group's hits by inhibition (see `findInhibitor`), given the brand's live alerts.
 * Once the group has a live alert its hits go to it, so only hits before the first one that is
 * not inhibited can feed a higher alert, and none can when the group's alert is already live.
 */
export function splitInhibited(
  liveAlerts: readonly Alert[],
  groupKey: string,
  hits: readonly TriggerHit[],
  plan: CrisisPlan,
): InhibitedSplit {
  const inhibited: InhibitedSplit['inhibited'] = [];
  if (liveAlerts.some((alert) => alert.groupKey === groupKey && alert.state !== 'resolved')) {
    return { inhibited, own: [...hits] };
  }
  let index = 0;
  for (; index < hits.length; index += 1) {
    const hit = hits[index];
    const inhibitor = hit && findInhibitor(liveAlerts, hit, plan);
    if (!hit || !inhibitor) break;
    const run = inhibited.at(-1);
    if (run?.inhibitor.id === inhibitor.id) run.hits.push(hit);
    else inhibited.push({ inhibitor, hits: [hit] });
  }
  return { inhibited, own: hits.slice(index) };
}
