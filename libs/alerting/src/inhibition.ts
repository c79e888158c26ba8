import type { CrisisPlan, TriggerHit } from '@tocsin/crisis-plan';
import { levelRank } from './level-rank';
import type { Alert } from './alert.schema';

/**
 * Inhibition, as in Alertmanager: while a brand has a live alert of a higher level (an open
 * crisis), a hit that would open a lower-level alert of another group for that brand pages
 * nobody; it is folded into the higher alert as evidence instead. Returns that alert, the
 * highest-ranked one, or undefined when the hit should open its own alert.
 */
export function findInhibitor(liveAlerts: readonly Alert[], hit: TriggerHit, plan: CrisisPlan): Alert | undefined {
  const hitRank = levelRank(plan, hit.level);
  let inhibitor: Alert | undefined;
  for (const alert of liveAlerts) {
    if (alert.brandId !== hit.brandId || alert.state === 'resolved') continue;
    const rank = levelRank(plan, alert.level);
    if (rank > hitRank && (!inhibitor || rank > levelRank(plan, inhibitor.level))) inhibitor = alert;
  }
  return inhibitor;
}
