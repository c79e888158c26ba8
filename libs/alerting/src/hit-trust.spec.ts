import { planWith } from '../../crisis-plan/src/testing/plan-fixture';
import { hitWith } from './testing/alert-fixture';
import { checkHit } from './hit-trust';

const plan = planWith(`
triggers:
  - { id: share, kind: negative-share, level: alert, group: buzz, minSharePct: 50, minMentions: 10, windowMs: 10m, scope: { brands: [acme] } }
  - { id: words, kind: crisis-vocabulary, level: crisis, terms: [scam] }
`);
const active = { file: 'test.yaml', plan, version: '7' };
const known = new Set(['7']);

describe(checkHit.name, () => {
  it('accepts a hit that matches a trigger of the plan in force', () => {
    expect(checkHit(hitWith(), active, known)).toEqual({ ok: true });
  });

  it('accepts a hit of a plan version held before a reload', () => {
    expect(checkHit(hitWith({ planVersion: '6' }), active, new Set(['6', '7']))).toEqual({ ok: true });
  });

  it.each([
    ['a plan version never in force', { planVersion: '99' }, /plan version "99" was never in force/],
    ['an unknown trigger', { triggerId: 'ghost' }, /no trigger "ghost"/],
    ['another trigger kind', { triggerKind: 'crisis-vocabulary' }, /is a negative-share trigger/],
    ['a brand outside the trigger scope', { brandId: 'globex' }, /scoped to acme, not "globex"/],
    ['a brand the plan does not watch', { brandId: 'initech' }, /no brand "initech"/],
    ['an unknown level', { level: 'apocalypse' }, /no level "apocalypse"/],
    ['another level than the trigger raises', { level: 'crisis' }, /raises level "alert"/],
    ['another group', { group: 'elsewhere' }, /groups as "buzz"/],
  ])('refuses a hit with %s, saying why', (_case, overrides, reason) => {
    const verdict = checkHit(hitWith(overrides), active, known);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? '' : verdict.reason).toMatch(reason);
  });
});
