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

  describe('with incidents', () => {
    const grouped = planWith('incidents: { groupBy: [brand] }');
    const inIncident = { ...alertAt('crisis', 'safety', 'c1'), incidentId: 'i1' };

    it('lets a lower hit open its own alert when the crisis is in the incident that alert would join', () => {
      expect(findInhibitor([inIncident], hitWith({ level: 'watch', group: 'buzz' }), grouped)).toBeUndefined();
    });

    it.each([
      {
        when: 'the crisis is in no incident (stored before incidents)',
        live: [alertAt('crisis', 'safety', 'c1')],
        plan: grouped,
      },
      {
        when: 'incidents group by trigger group, so the hit would open another incident',
        live: [inIncident],
        plan: planWith('incidents: { groupBy: [brand, group] }'),
      },
      {
        when: 'a join window could have closed the incident to new alerts',
        live: [inIncident],
        plan: planWith('incidents: { groupBy: [brand], groupWindowMs: 2h }'),
      },
    ])('still folds the hit into the crisis when $when', ({ live, plan: withIncidents }) => {
      expect(findInhibitor(live, hitWith({ level: 'watch', group: 'buzz' }), withIncidents)?.id).toBe('c1');
    });
  });
});
