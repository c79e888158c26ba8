import type { CrisisPlan, NotifyTarget } from './plan.schema';

/** A rule broken somewhere in a plan; `path` is the location of the culprit in the YAML document. */
export interface PlanIssue {
  path: (string | number)[];
  message: string;
}

function checkUniqueIds(items: readonly { id: string }[], path: (string | number)[], what: string): PlanIssue[] {
  const seen = new Set<string>();
  const issues: PlanIssue[] = [];
  items.forEach((item, index) => {
    if (seen.has(item.id))
      issues.push({ path: [...path, index, 'id'], message: `${what} id "${item.id}" is not unique` });
    seen.add(item.id);
  });
  return issues;
}

function checkPositive(ms: number | undefined, path: (string | number)[]): PlanIssue[] {
  return ms === undefined || ms > 0 ? [] : [{ path, message: 'must be > 0' }];
}

/**
 * Cross-field rules a schema cannot express: unique ids, references that must exist, later
 * escalation steps that need a delay, overrides that end after they start. Values that can be
 * judged alone (time zones, dates, durations) are checked by the schema itself.
 */
export function checkPlanRules(plan: CrisisPlan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const brandIds = new Set(plan.brands.map((brand) => brand.id));
  const levelIds = new Set(plan.levels.map((level) => level.id));
  const personIds = new Set(plan.people.map((person) => person.id));
  const scheduleIds = new Set(plan.schedules.map((schedule) => schedule.id));
  const roles = new Set(plan.people.map((person) => person.role));

  issues.push(...checkUniqueIds(plan.brands, ['brands'], 'brand'));
  issues.push(...checkUniqueIds(plan.levels, ['levels'], 'level'));
  issues.push(...checkUniqueIds(plan.triggers, ['triggers'], 'trigger'));
  issues.push(...checkUniqueIds(plan.people, ['people'], 'person'));
  issues.push(...checkUniqueIds(plan.schedules, ['schedules'], 'schedule'));

  plan.levels.forEach((level, i) => {
    const at = ['levels', i];
    if (plan.escalation[level.escalationPolicy] === undefined) {
      issues.push({
        path: [...at, 'escalationPolicy'],
        message: `unknown escalation policy "${level.escalationPolicy}"`,
      });
    }
    level.playbook.publicResponders.users.forEach((user, j) => {
      if (!personIds.has(user)) {
        issues.push({ path: [...at, 'playbook', 'publicResponders', 'users', j], message: `unknown person "${user}"` });
      }
    });
  });

  plan.triggers.forEach((trigger, i) => {
    const at = ['triggers', i];
    if (!levelIds.has(trigger.level))
      issues.push({ path: [...at, 'level'], message: `unknown level "${trigger.level}"` });
    trigger.scope?.brands?.forEach((brand, j) => {
      if (!brandIds.has(brand))
        issues.push({ path: [...at, 'scope', 'brands', j], message: `unknown brand "${brand}"` });
    });
  });

  plan.people.forEach((person, i) => {
    if (person.contacts.webhookSecret && !person.contacts.webhook) {
      issues.push({ path: ['people', i, 'contacts', 'webhookSecret'], message: 'a webhookSecret needs a webhook' });
    }
  });

  plan.schedules.forEach((schedule, i) => {
    const at = ['schedules', i];
    issues.push(...checkUniqueIds(schedule.layers, [...at, 'layers'], 'layer'));
    schedule.layers.forEach((layer, j) => {
      const layerAt = [...at, 'layers', j];
      layer.rotation.members.forEach((member, k) => {
        if (!personIds.has(member)) {
          issues.push({ path: [...layerAt, 'rotation', 'members', k], message: `unknown person "${member}"` });
        }
      });
    });
    schedule.overrides.forEach((override, j) => {
      const overrideAt = [...at, 'overrides', j];
      if (!personIds.has(override.user))
        issues.push({ path: [...overrideAt, 'user'], message: `unknown person "${override.user}"` });
      if (Date.parse(override.endsAt) <= Date.parse(override.startsAt)) {
        issues.push({ path: [...overrideAt, 'endsAt'], message: 'must be after startsAt' });
      }
    });
  });

  plan.replyQueue?.rules.forEach((rule, i) => {
    const at = ['replyQueue', 'rules', i];
    if (!levelIds.has(rule.level)) issues.push({ path: [...at, 'level'], message: `unknown level "${rule.level}"` });
    rule.brands?.forEach((brand, j) => {
      if (!brandIds.has(brand)) issues.push({ path: [...at, 'brands', j], message: `unknown brand "${brand}"` });
    });
  });

  const checkTarget = (target: NotifyTarget, path: (string | number)[]): void => {
    if ('schedule' in target && !scheduleIds.has(target.schedule)) {
      issues.push({ path: [...path, 'schedule'], message: `unknown schedule "${target.schedule}"` });
    }
    if ('user' in target && !personIds.has(target.user)) {
      issues.push({ path: [...path, 'user'], message: `unknown person "${target.user}"` });
    }
    if ('role' in target && !roles.has(target.role)) {
      issues.push({ path: [...path, 'role'], message: `nobody has the role "${target.role}"` });
    }
  };
  for (const [policyId, policy] of Object.entries(plan.escalation)) {
    const at = ['escalation', policyId];
    policy.steps.forEach((step, j) => {
      // The first step may fire at once; a later one at the same instant belongs in the same step.
      if (j > 0) issues.push(...checkPositive(step.afterMs, [...at, 'steps', j, 'afterMs']));
      step.targets.forEach((target, k) => checkTarget(target, [...at, 'steps', j, 'targets', k]));
    });
  }
  return issues;
}
