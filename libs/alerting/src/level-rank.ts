import type { SeverityLevel } from '@tocsin/crisis-plan';

/**
 * Severity rank of a level in the plan, lowest first; -1 for a level the plan no longer has.
 * Takes only the plan's levels, so a page holding the plan summary ranks alerts the same way.
 */
export function levelRank(plan: { levels: ReadonlyArray<Pick<SeverityLevel, 'id'>> }, levelId: string): number {
  return plan.levels.findIndex((level) => level.id === levelId);
}
