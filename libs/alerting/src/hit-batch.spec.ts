import { planWith } from '../../crisis-plan/src/testing/plan-fixture';
import { applyHit } from './alert-lifecycle';
import type { Alert } from './alert.schema';
import { applyHits, groupHits } from './hit-batch';
import { hitWith } from './testing/alert-fixture';

const T0 = Date.parse('2026-01-07T09:00:00+01:00');
const plan = planWith();
const storm = [1, 2, 3, 4].map((n) => hitWith({ evidence: { mentionKey: `twitter:${n}` }, atMs: T0 + n }));

describe(groupHits.name, () => {
  it('groups hits by alert group in the order of each group first hit, keeping hit order', () => {
    const other = hitWith({ brandId: 'other', evidence: { mentionKey: 'twitter:9' } });
    const groups = groupHits([storm[0], other, storm[1], storm[2]].flatMap((hit) => (hit ? [hit] : [])));
    expect([...groups.entries()].map(([key, hits]) => [key, hits.map((hit) => hit.evidence.mentionKey)])).toEqual([
      ['acme/buzz', ['twitter:1', 'twitter:2', 'twitter:3']],
      ['other/buzz', ['twitter:9']],
    ]);
  });
});

describe(applyHits.name, () => {
  it('ends in the alert that applying the hits one by one ends in', () => {
    let oneByOne: Alert | undefined;
    for (const hit of storm) oneByOne = applyHit(oneByOne, hit, plan, T0, 'a1').alert;
    expect(applyHits(undefined, storm, plan, T0, 'a1')?.alert).toEqual(oneByOne);
  });

  it('keeps the opening event and only the last update of a storm', () => {
    const change = applyHits(undefined, storm, plan, T0, 'a1');
    expect(change?.events.map((event) => event.kind)).toEqual(['alert.opened', 'alert.updated']);
    expect(change?.events[1]?.alert).toEqual(change?.alert);
  });

  it('changes nothing when every hit was already folded in', () => {
    const first = applyHits(undefined, storm, plan, T0, 'a1');
    const again = applyHits(first?.alert, storm, plan, T0 + 1, 'a2');
    expect(again).toEqual({ alert: first?.alert, events: [] });
  });

  it('gives no change for no hit on no alert', () => {
    expect(applyHits(undefined, [], plan, T0, 'a1')).toBeUndefined();
  });
});
