import type { ActivePlan, TriggerHit } from '@tocsin/crisis-plan';

export type HitVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Whether a hit read from Kafka could have come from the plan the alerter holds: anything that
 * can write to the topic could forge one, so the hit must name a plan version the alerter has
 * had in force (`knownVersions`), a trigger of the plan in force with the same kind, level and
 * group, a brand of the plan inside that trigger's scope, and a level the plan knows.
 */
export function checkHit(hit: TriggerHit, active: ActivePlan, knownVersions: ReadonlySet<string>): HitVerdict {
  const { plan } = active;
  const refuse = (reason: string): HitVerdict => ({ ok: false, reason: `untrusted hit: ${reason}` });
  if (hit.planVersion !== active.version && !knownVersions.has(hit.planVersion)) {
    return refuse(`plan version "${hit.planVersion}" was never in force here (in force: "${active.version}")`);
  }
  const trigger = plan.triggers.find((candidate) => candidate.id === hit.triggerId);
  if (!trigger) return refuse(`no trigger "${hit.triggerId}" in plan version ${active.version}`);
  if (trigger.kind !== hit.triggerKind) {
    return refuse(`trigger "${trigger.id}" is a ${trigger.kind} trigger, the hit says ${hit.triggerKind}`);
  }
  if (!plan.brands.some((brand) => brand.id === hit.brandId)) return refuse(`no brand "${hit.brandId}" in the plan`);
  if (trigger.scope?.brands && !trigger.scope.brands.includes(hit.brandId)) {
    return refuse(`trigger "${trigger.id}" is scoped to ${trigger.scope.brands.join(', ')}, not "${hit.brandId}"`);
  }
  if (!plan.levels.some((level) => level.id === hit.level)) return refuse(`no level "${hit.level}" in the plan`);
  if (trigger.level !== hit.level) {
    return refuse(`trigger "${trigger.id}" raises level "${trigger.level}", the hit says "${hit.level}"`);
  }
  const group = trigger.group ?? trigger.id;
  if (group !== hit.group) return refuse(`trigger "${trigger.id}" groups as "${group}", the hit says "${hit.group}"`);
  return { ok: true };
}
