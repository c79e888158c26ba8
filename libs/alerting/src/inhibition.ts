import type { CrisisPlan, TriggerHit } from '@tocsin/crisis-plan';
import { alertGroupKey } from './alert-lifecycle';
import { incidentGroupKey } from './incident-lifecycle';
import { levelRank } from './level-rank';
import type { Alert } from './alert.schema';

/**
 * Whether the hit's own alert would join the incident `alert` belongs to: the plan gathers
 * alerts into incidents with no join window (an incident with a live alert then takes any alert
 * of its group), and the hit's alert falls in that incident's group.
 */
function wouldJoinIncidentOf(alert: Alert, hit: TriggerHit, plan: CrisisPlan): boolean {
  const settings = plan.incidents;
  if (!settings || settings.groupWindowMs !== undefined || alert.incidentId === undefined) return false;
  const hitAlert = {
    brandId: hit.brandId,
    groupKey: alertGroupKey(hit),
    triggerId: hit.triggerId,
    evidence: { triggerIds: [hit.triggerId] },
  };
  return incidentGroupKey(hitAlert, settings) === incidentGroupKey(alert, settings);
}

/**
 * Inhibition, as in Alertmanager: while a brand has a live alert of a higher level (an open
 * crisis), a hit that would open a lower-level alert of another group for that brand pages
 * nobody; it is folded into the higher alert as evidence instead. Returns that alert, the
 * highest-ranked one, or undefined when the hit should open its own alert. A higher alert in an
 * incident the hit's alert would join inhibits nothing: that alert pages nobody by itself
 * either, and joining shows the lower signal (an unanswered complaint during a crisis) on the
 * incident's timeline and next page instead of hiding it in the crisis's evidence.
 */
export function findInhibitor(liveAlerts: readonly Alert[], hit: TriggerHit, plan: CrisisPlan): Alert | undefined {
  const hitRank = levelRank(plan, hit.level);
  let inhibitor: Alert | undefined;
  for (const alert of liveAlerts) {
    if (alert.brandId !== hit.brandId || alert.state === 'resolved') continue;
    if (wouldJoinIncidentOf(alert, hit, plan)) continue;
    const rank = levelRank(plan, alert.level);
    if (rank > hitRank && (!inhibitor || rank > levelRank(plan, inhibitor.level))) inhibitor = alert;
  }
  return inhibitor;
}
