import { mentionWith, planWith } from '../../crisis-plan/src/testing/plan-fixture';
import { admitToReplyQueue, DEFAULT_REPLY_HORIZON_MS, replyQueueRules } from './reply-admission';

const postedAtMs = Date.parse('2026-03-02T10:00:00Z');
const nowMs = postedAtMs + 5_000;

describe(admitToReplyQueue.name, () => {
  it('queues every negative mention with the lowest level’s deadline when the plan says nothing', () => {
    const entry = admitToReplyQueue(planWith(), 'acme', mentionWith({ followers: 300 }), nowMs);
    expect(entry).toMatchObject({
      mentionKey: 'twitter:1',
      brandId: 'acme',
      level: 'watch',
      postedAtMs,
      queuedAtMs: nowMs,
      dueAtMs: postedAtMs + 2 * 3_600_000,
      state: 'waiting',
      author: { handle: 'jane', followers: 300, verified: false },
    });
    expect(replyQueueRules(planWith()).horizonMs).toBe(DEFAULT_REPLY_HORIZON_MS);
  });

  it.each([
    [
      'a neutral mention',
      mentionWith({ sentiment: { lang: 'en', label: 'neutral', score: 0, confidence: 1, cues: [] } }),
    ],
    ['the brand’s own post', mentionWith({ author: { id: 'b', handle: '@ACME_care' } })],
    ['a post older than the horizon', mentionWith({ createdAt: '2026-02-20T10:00:00Z' })],
  ])('leaves out %s', (_what, mention) => {
    expect(admitToReplyQueue(planWith(), 'acme', mention, nowMs)).toBeUndefined();
  });

  const rules = planWith(`
replyQueue:
  horizonMs: 1d
  rules:
    - { level: crisis, minFollowers: 50000 }
    - { level: alert, platforms: [twitter], languages: [fr], deadlineMs: 45m }
    - { level: watch, brands: [globex], maxSentimentScore: -0.5 }
`);

  it.each([
    ['a large reach takes the first rule', 'acme', mentionWith({ followers: 80_000 }), 'crisis', 15 * 60_000],
    ['a French tweet takes the rule’s own deadline', 'acme', mentionWith({ lang: 'fr' }), 'alert', 45 * 60_000],
    ['a strongly negative globex post', 'globex', mentionWith(), 'watch', 2 * 3_600_000],
  ])('%s', (_what, brandId, mention, level, deadlineMs) => {
    expect(admitToReplyQueue(rules, brandId, mention, nowMs)).toMatchObject({
      level,
      dueAtMs: postedAtMs + deadlineMs,
    });
  });

  it('leaves out a mention older than the live horizon it is given', () => {
    const hourOld = mentionWith({ createdAt: '2026-03-02T08:59:00Z' });
    expect(admitToReplyQueue(planWith(), 'acme', hourOld, nowMs)).toBeDefined();
    expect(admitToReplyQueue(planWith(), 'acme', hourOld, nowMs, 3_600_000)).toBeUndefined();
  });

  it('leaves out a mention no rule takes', () => {
    const mildGlobex = mentionWith({
      sentiment: { lang: 'en', label: 'negative', score: -0.2, confidence: 1, cues: [] },
    });
    expect(admitToReplyQueue(rules, 'globex', mildGlobex, nowMs)).toBeUndefined();
    expect(admitToReplyQueue(rules, 'acme', mentionWith({ lang: 'en' }), nowMs)).toBeUndefined();
  });

  it('refuses a rule naming an unknown level or brand', () => {
    expect(() => planWith('replyQueue: { rules: [{ level: panic, brands: [nobody] }] }')).toThrow(
      /replyQueue\.rules\[0\]\.level: unknown level "panic"[\s\S]*replyQueue\.rules\[0\]\.brands\[0\]: unknown brand "nobody"/,
    );
  });
});
