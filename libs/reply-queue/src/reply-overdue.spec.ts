import { mentionWith, planWith } from '../../crisis-plan/src/testing/plan-fixture';
import { admitToReplyQueue } from './reply-admission';
import type { ReplyEntry } from './reply-entry.schema';
import { formatWait, markOverdueRaised, overdueHits, shouldRaiseOverdue } from './reply-overdue';

const t0 = Date.parse('2026-03-02T10:00:00Z');
const HOUR = 3_600_000;
const withTrigger = planWith(`
triggers:
  - { id: unanswered, kind: reply-overdue, level: alert, group: replies, scope: { brands: [acme] } }
`);

function waiting(nowMs = t0 + 1_000): ReplyEntry {
  const entry = admitToReplyQueue(withTrigger, 'acme', mentionWith({ followers: 12_000 }), nowMs);
  if (!entry) throw new Error('expected the mention to be queued');
  return entry;
}

describe(shouldRaiseOverdue.name, () => {
  it('raises once, past the deadline, for a mention queued in time', () => {
    const entry = waiting();
    expect(shouldRaiseOverdue(entry, t0 + HOUR)).toBe(false);
    expect(shouldRaiseOverdue(entry, t0 + 2 * HOUR)).toBe(true);
    expect(shouldRaiseOverdue(markOverdueRaised(entry, t0 + 2 * HOUR), t0 + 3 * HOUR)).toBe(false);
  });

  it('stays quiet for a mention that arrived already late', () => {
    expect(shouldRaiseOverdue(waiting(t0 + 3 * HOUR), t0 + 3 * HOUR)).toBe(false);
  });
});

describe(overdueHits.name, () => {
  it('makes one hit per reply-overdue trigger taking the brand, that the alerter trusts', () => {
    const hits = overdueHits(waiting(), withTrigger, t0 + 2 * HOUR + 5 * 60_000);
    expect(hits).toEqual([
      expect.objectContaining({
        kind: 'trigger',
        triggerId: 'unanswered',
        triggerKind: 'reply-overdue',
        brandId: 'acme',
        level: 'alert',
        group: 'replies',
        planVersion: '7',
        reason: 'No reply for 2.1 h to a negative post by jane (12k followers) on twitter; the playbook asks 2h',
        evidence: expect.objectContaining({ mentionKey: 'twitter:1', author: 'jane', followers: 12_000 }),
      }),
    ]);
  });

  it('makes none without such a trigger, or outside its scope', () => {
    const entry = waiting();
    expect(overdueHits(entry, planWith(), t0 + 3 * HOUR)).toEqual([]);
    expect(overdueHits({ ...entry, brandId: 'globex' }, withTrigger, t0 + 3 * HOUR)).toEqual([]);
  });

  it.each([
    [45_000, '45s'],
    [25 * 60_000, '25 min'],
    [3.5 * HOUR, '3.5 h'],
  ])('writes a wait of %i ms as %s', (ms, text) => {
    expect(formatWait(ms)).toBe(text);
  });
});
