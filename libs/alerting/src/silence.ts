import type { TriggerHit } from '@tocsin/crisis-plan';
import type { Silence } from './silence.schema';

/** The first silence active at `nowMs` (start inclusive, end exclusive) whose matchers all fit the hit. */
export function findSilence(silences: readonly Silence[], hit: TriggerHit, nowMs: number): Silence | undefined {
  return silences.find(
    ({ matchers, startsAtMs, endsAtMs }) =>
      startsAtMs <= nowMs &&
      nowMs < endsAtMs &&
      (matchers.brandId === undefined || matchers.brandId === hit.brandId) &&
      (matchers.triggerId === undefined || matchers.triggerId === hit.triggerId) &&
      (matchers.platform === undefined || matchers.platform === hit.evidence.platform),
  );
}

/** True when some silence covers the hit at `nowMs`; the caller then drops the hit. */
export function isSilenced(silences: readonly Silence[], hit: TriggerHit, nowMs: number): boolean {
  return findSilence(silences, hit, nowMs) !== undefined;
}
