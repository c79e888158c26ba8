import type { CrisisPlan, TriggerHit } from '@tocsin/crisis-plan';
import { alertGroupKey, applyHit, type AlertChange } from './alert-lifecycle';
import type { Alert } from './alert.schema';

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
 * Folds hits of one group into its alert, as applyHit one after the other would, in one change.
 * `newId` names the alert if the first hit opens one. Of the `alert.updated` events only the
 * last is kept: each carries the whole alert, so consoles miss nothing, and a storm of
 * evidence does not become a storm of console messages.
 */
export function applyHits(
  existing: Alert | undefined,
  hits: readonly TriggerHit[],
  plan: CrisisPlan,
  nowMs: number,
  newId: string,
): AlertChange | undefined {
  let alert = existing;
  const events: AlertChange['events'] = [];
  for (const hit of hits) {
    const change = applyHit(alert, hit, plan, nowMs, newId);
    alert = change.alert;
    events.push(...change.events);
  }
  if (alert === undefined) return undefined;
  const lastUpdate = events.findLastIndex((event) => event.kind === 'alert.updated');
  return { alert, events: events.filter((event, index) => event.kind !== 'alert.updated' || index === lastUpdate) };
}
