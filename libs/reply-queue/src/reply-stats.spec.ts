import { mentionWith, planWith } from '../../crisis-plan/src/testing/plan-fixture';
import { admitToReplyQueue } from './reply-admission';
import type { ReplyEntry } from './reply-entry.schema';
import { closeByHand, closeByReply } from './reply-matching';
import { computeReplyStats, firstReplyMs } from './reply-stats';

const plan = planWith(`
levels:
  - id: watch
    name: Watch
    escalationPolicy: watch
    playbook: { responseDeadlineMs: 30m, steps: [Answer], publicResponders: { roles: [cm] } }
escalation:
  watch:
    steps: [{ kind: notify, afterMs: 0, targets: [{ schedule: care }] }]
`);
const t0 = Date.parse('2026-03-02T10:00:00Z');
const MIN = 60_000;

function waiting(id: string): ReplyEntry {
  const queued = admitToReplyQueue(
    plan,
    'acme',
    mentionWith({ id, key: `twitter:${id}`, createdAt: new Date(t0).toISOString() }),
    t0,
  );
  if (!queued) throw new Error('expected the mention to be queued');
  return queued;
}

function repliedAfter(id: string, minutes: number): ReplyEntry {
  const reply = mentionWith({ id: `r-${id}`, inReplyTo: id, createdAt: new Date(t0 + minutes * MIN).toISOString() });
  return closeByReply(waiting(id), reply, t0 + minutes * MIN);
}

describe(computeReplyStats.name, () => {
  it('gives the share answered within the deadline and the reply times', () => {
    const handled = closeByHand(waiting('h'), 'handled', 'ana', undefined, t0 + 20 * MIN);
    const skipped = closeByHand(waiting('n'), 'not-to-answer', 'ana', 'spam', t0 + 1 * MIN);
    if (!handled.ok || !skipped.ok) throw new Error('expected closed entries');
    const entries = [
      repliedAfter('a', 10),
      repliedAfter('b', 40),
      handled.entry,
      skipped.entry,
      waiting('w'), // 60 min later: overdue
    ];
    const stats = computeReplyStats(entries, t0 + 60 * MIN);
    expect(stats).toEqual({
      waiting: 1,
      overdue: 1,
      answered: 2,
      handled: 1,
      notToAnswer: 1,
      judged: 4,
      answeredInTime: 2,
      inTimePct: 50,
      medianReplyMs: 20 * MIN,
      p90ReplyMs: 40 * MIN,
    });
  });

  it('judges nothing while every entry is within its deadline', () => {
    expect(computeReplyStats([waiting('w')], t0 + 5 * MIN)).toMatchObject({
      judged: 0,
      inTimePct: null,
      medianReplyMs: null,
    });
  });

  it('counts the time to first reply from the post, not from queueing', () => {
    expect(firstReplyMs(repliedAfter('a', 12))).toBe(12 * MIN);
    expect(firstReplyMs(waiting('w'))).toBeUndefined();
  });
});
