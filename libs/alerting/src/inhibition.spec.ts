import { planWith } from '../../crisis-plan/src/testing/plan-fixture';
import { applyHit, resolve } from './alert-lifecycle';
import { findInhibitor } from './inhibition';
import { hitWith } from './testing/alert-fixture';

const T0 = Date.parse('2026-01-07T09:00:00+01:00');
const plan = planWith();

const alertAt = (level: string, group: string, id: string, brandId = 'acme') =>
  applyHit(undefined, hitWith({ level, group, brandId }), plan, T0, id).alert;

describe(findInhibitor.name, () => {
  it.each([
    { when: 'the brand has a live crisis', live: [alertAt('crisis', 'safety', 'c1')], expected: 'c1' },
    { when: 'the live alert is of the same level', live: [alertAt('watch', 'words', 'w1')], expected: undefined },
    {
      when: 'the crisis is for another brand',
      live: [alertAt('crisis', 'safety', 'c1', 'globex')],
      expected: undefined,
    },
    {
      when: 'the crisis is resolved',
      live: [
        (resolve(alertAt('crisis', 'safety', 'c1'), 'camille', T0) as { alert: ReturnType<typeof alertAt> }).alert,
      ],
      expected: undefined,
    },
    {
      when: 'there are several higher alerts',
      live: [alertAt('alert', 'words', 'a1'), alertAt('crisis', 'safety', 'c1')],
      expected: 'c1',
    },
  ])('answers $expected when $when', ({ live, expected }) => {
    expect(findInhibitor(live, hitWith({ level: 'watch', group: 'buzz' }), plan)?.id).toBe(expected);
  });
});
