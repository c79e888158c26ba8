import { planWith } from '../../crisis-plan/src/testing/plan-fixture';
import { acknowledge, applyHit, resolve } from './alert-lifecycle';
import { isOlderCopy } from './alert-progress';
import type { Alert } from './alert.schema';
import { dueEscalation, planTargetResolver } from './escalation';
import { hitWith } from './testing/alert-fixture';

const T0 = Date.parse('2026-01-07T09:00:00+01:00');
const plan = planWith();

function applied(result: ReturnType<typeof acknowledge>): Alert {
  if (!result.ok) throw new Error(result.error.message);
  return result.alert;
}

const opened = applyHit(undefined, hitWith({ level: 'alert', atMs: T0 }), plan, T0, 'a1').alert;
const paged = dueEscalation(opened, planTargetResolver(plan), T0).alert;
const secondHit = hitWith({
  level: 'alert',
  atMs: T0 + 1000,
  evidence: { mentionKey: 'twitter:2', text: 'still awful' },
});
const twoHits = applyHit(paged, secondHit, plan, T0 + 1000, 'a1').alert;
const acked = applied(acknowledge(paged, 'ana', T0 + 2000));
const resolved = applied(resolve(acked, 'ana', T0 + 3000));

describe(isOlderCopy.name, () => {
  const copies: Record<string, Alert> = { opened, paged, twoHits, acked, resolved };

  it.each([
    ['opened', 'paged'],
    ['paged', 'twoHits'],
    ['twoHits', 'acked'],
    ['acked', 'resolved'],
  ])('takes the copy %s as older than the copy %s, and not the other way', (older, newer) => {
    const [a, b] = [copies[older], copies[newer]];
    if (!a || !b) throw new Error(`no copy ${older} or ${newer}`);
    expect(isOlderCopy(a, b)).toBe(true);
    expect(isOlderCopy(b, a)).toBe(false);
  });

  it('keeps a copy that has gone no further as not older, so an equal copy replaces it', () => {
    expect(isOlderCopy(paged, { ...paged })).toBe(false);
  });

  it('ranks the state before the history: an acknowledged copy with fewer hits still wins', () => {
    expect(acked.evidence.count).toBeLessThan(twoHits.evidence.count);
    expect(isOlderCopy(twoHits, acked)).toBe(true);
  });
});
