import type { TriggerHit } from '@tocsin/crisis-plan';
import { planWith } from '../../crisis-plan/src/testing/plan-fixture';
import { applyHit } from './alert-lifecycle';
import { groupHits, splitInhibited, withLastUpdateOnly } from './hit-batch';
import { hitWith } from './testing/alert-fixture';

const T0 = Date.parse('2026-01-07T09:00:00+01:00');
const plan = planWith();

const hit = (n: number, overrides: Partial<TriggerHit> = {}): TriggerHit =>
  hitWith({ evidence: { mentionKey: `twitter:${n}` }, atMs: T0 + n, ...overrides });
const keysOf = (hits: readonly TriggerHit[]) => hits.map((one) => one.evidence.mentionKey);
const alertAt = (level: string, group: string, id: string) =>
  applyHit(undefined, hitWith({ level, group }), plan, T0, id).alert;

describe(groupHits.name, () => {
  it('groups hits by alert group in the order of each group first hit, keeping hit order', () => {
    const groups = groupHits([hit(1), hit(9, { brandId: 'other' }), hit(2), hit(8, { group: 'words' }), hit(3)]);
    expect([...groups.entries()].map(([key, hits]) => [key, keysOf(hits)])).toEqual([
      ['acme/buzz', ['twitter:1', 'twitter:2', 'twitter:3']],
      ['other/buzz', ['twitter:9']],
      ['acme/words', ['twitter:8']],
    ]);
  });
});

describe(withLastUpdateOnly.name, () => {
  it('keeps every event but the alert.updated before the last one, in order', () => {
    let change = applyHit(undefined, hit(1), plan, T0, 'a1');
    const events = [...change.events];
    for (const n of [2, 3]) {
      change = applyHit(change.alert, hit(n), plan, T0, 'a1');
      events.push(...change.events);
    }
    change = applyHit(change.alert, hit(4, { level: 'crisis' }), plan, T0, 'a1');
    events.push(...change.events);
    change = applyHit(change.alert, hit(5, { level: 'crisis' }), plan, T0, 'a1');
    events.push(...change.events);

    const kept = withLastUpdateOnly(events);
    expect(kept.map((event) => event.kind)).toEqual(['alert.opened', 'alert.upgraded', 'alert.updated']);
    expect(kept.at(-1)?.alert.evidence.count).toBe(5);
  });
});

describe(splitInhibited.name, () => {
  const crisis = alertAt('crisis', 'safety', 'c1');

  it('feeds the hits below a live crisis to it while their group has no live alert', () => {
    const split = splitInhibited([crisis], 'acme/buzz', [hit(1), hit(2)], plan);
    expect(split.inhibited.map(({ inhibitor, hits }) => [inhibitor.id, keysOf(hits)])).toEqual([
      ['c1', ['twitter:1', 'twitter:2']],
    ]);
    expect(split.own).toEqual([]);
  });

  it('sends every hit from the first one not inhibited to the group, as one by one', () => {
    const split = splitInhibited([crisis], 'acme/buzz', [hit(1), hit(2, { level: 'crisis' }), hit(3)], plan);
    expect(split.inhibited.map(({ hits }) => keysOf(hits))).toEqual([['twitter:1']]);
    expect(keysOf(split.own)).toEqual(['twitter:2', 'twitter:3']);
  });

  it('inhibits nothing when the group already has a live alert', () => {
    const live = [crisis, alertAt('alert', 'buzz', 'a1')];
    expect(splitInhibited(live, 'acme/buzz', [hit(1)], plan)).toEqual({ inhibited: [], own: [hit(1)] });
  });
});
