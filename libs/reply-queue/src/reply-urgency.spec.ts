import { mentionWith, planWith } from '../../crisis-plan/src/testing/plan-fixture';
import { admitToReplyQueue } from './reply-admission';
import type { ReplyEntry } from './reply-entry.schema';
import { orderByUrgency, reachTier } from './reply-urgency';

const plan = planWith();
const t0 = Date.parse('2026-03-02T10:00:00Z');

function entry(id: string, minutesAgo: number, followers: number, nowMs: number): ReplyEntry {
  const createdAt = new Date(nowMs - minutesAgo * 60_000).toISOString();
  const queued = admitToReplyQueue(
    plan,
    'acme',
    mentionWith({ id, key: `twitter:${id}`, createdAt, followers }),
    nowMs,
  );
  if (!queued) throw new Error('expected the mention to be queued');
  return queued;
}

describe(orderByUrgency.name, () => {
  const nowMs = t0 + 3 * 3_600_000;

  it('puts overdue first, then reach, then the nearer deadline', () => {
    const entries = [
      entry('fresh-small', 5, 10, nowMs),
      entry('fresh-influencer', 2, 250_000, nowMs),
      entry('older-small', 60, 10, nowMs),
      entry('overdue-small', 150, 10, nowMs),
    ];
    expect(orderByUrgency(entries, nowMs).map((e) => e.mentionId)).toEqual([
      'overdue-small',
      'fresh-influencer',
      'older-small',
      'fresh-small',
    ]);
  });

  it('leaves closed entries out', () => {
    const closed: ReplyEntry = { ...entry('done', 5, 10, nowMs), state: 'handled', closedAtMs: nowMs };
    expect(orderByUrgency([closed], nowMs)).toEqual([]);
  });

  it.each([
    [0, 0],
    [999, 0],
    [1_000, 1],
    [10_000, 2],
    [100_000, 3],
  ])('puts %i followers in reach tier %i', (followers, tier) => {
    expect(reachTier(followers)).toBe(tier);
  });
});
