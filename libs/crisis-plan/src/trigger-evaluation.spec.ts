import { createTriggerState, evaluateMention, evaluateSignal, triggerStateSchema } from './trigger-evaluation';
import { triggerHitSchema } from './trigger-hit.schema';
import { mentionWith, planWith, signalWith } from './testing/plan-fixture';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const MINUTE_MS = 60_000;

function triggeredIds(snippet: string, mention = mentionWith()): string[] {
  return evaluateMention(planWith(snippet), createTriggerState(), mention, T0).hits.map(
    (hit) => `${hit.triggerId}/${hit.brandId}`,
  );
}

describe(evaluateMention.name, () => {
  describe('influential-negative', () => {
    const snippet = `triggers: [{ id: influencer, level: alert, kind: influential-negative, minFollowers: 10000 }]`;

    it.each([
      {
        when: 'a negative author has enough followers',
        mention: mentionWith({ followers: 120_000 }),
        expected: ['influencer/acme'],
      },
      { when: 'the author has too few followers', mention: mentionWith({ followers: 9_999 }), expected: [] },
      {
        when: 'a small author is verified',
        mention: mentionWith({ followers: 10, verified: true }),
        expected: ['influencer/acme'],
      },
      {
        when: 'an influential mention is positive',
        mention: mentionWith({
          followers: 120_000,
          sentiment: { lang: 'en', label: 'positive', score: 0.8, confidence: 0.9, cues: [] },
        }),
        expected: [],
      },
      {
        when: 'the mention is about two brands',
        mention: mentionWith({ followers: 20_000, brandIds: ['acme', 'globex'] }),
        expected: ['influencer/acme', 'influencer/globex'],
      },
    ])('hits $expected when $when', ({ mention, expected }) => {
      expect(triggeredIds(snippet, mention)).toEqual(expected);
    });

    it('ignores verification when the plan says so', () => {
      const strict = `triggers: [{ id: influencer, level: alert, kind: influential-negative, minFollowers: 10000, includeVerified: false }]`;
      expect(triggeredIds(strict, mentionWith({ followers: 10, verified: true }))).toEqual([]);
    });

    it('explains the hit in a sentence a CM can read', () => {
      const plan = planWith(snippet);
      const { hits } = evaluateMention(plan, createTriggerState(), mentionWith({ followers: 120_000 }), T0);
      expect(hits[0]?.reason).toBe('Negative mention by @jane (120k followers) on twitter');
    });
  });

  describe('crisis-vocabulary', () => {
    const snippet = `triggers: [{ id: words, level: alert, kind: crisis-vocabulary, terms: [arnaque, boycott, rappel produit, scam] }]`;

    it.each([
      { text: 'Acme c’est une ARNAQUE', expected: ['words/acme'] },
      { text: 'Appel au Boycott d’acme !', expected: ['words/acme'] },
      { text: 'acme: rappel\n produit ?', expected: ['words/acme'] },
      { text: 'acme rappel du produit', expected: [] },
      { text: 'Rappel produit chez acme', expected: ['words/acme'] },
      { text: 'acme is a scammer magnet', expected: [] },
      { text: 'acme SCAM', expected: ['words/acme'] },
      { text: 'acme arnàque', expected: ['words/acme'] },
    ])('hits $expected for "$text"', ({ text, expected }) => {
      expect(triggeredIds(snippet, mentionWith({ text }))).toEqual(expected);
    });

    it('stays quiet when the mention is not negative', () => {
      const neutral = mentionWith({
        text: 'acme boycott?',
        sentiment: { lang: 'en', label: 'neutral', score: 0, confidence: 0.5, cues: [] },
      });
      expect(triggeredIds(snippet, neutral)).toEqual([]);
    });

    it('lists the crisis words found as written in the plan', () => {
      const { hits } = evaluateMention(
        planWith(snippet),
        createTriggerState(),
        mentionWith({ text: 'ARNAQUE et boycott' }),
        T0,
      );
      expect(hits[0]?.evidence.terms).toEqual(['arnaque', 'boycott']);
    });
  });

  it("ignores the brand's own accounts answering complaints", () => {
    const snippet = `triggers:
  - { id: influencer, level: alert, kind: influential-negative, minFollowers: 10000 }
  - { id: words, level: alert, kind: crisis-vocabulary, terms: [refund] }`;
    const reply = mentionWith({
      text: 'So sorry about your refund, we are on it',
      author: { id: 'brand', handle: 'ACME_care', followers: 90_000, verified: true },
    });
    expect(triggeredIds(snippet, reply)).toEqual([]);
  });

  describe('scope', () => {
    it.each([
      { scope: '{ brands: [globex] }', mention: mentionWith(), expected: [] },
      { scope: '{ brands: [acme] }', mention: mentionWith(), expected: ['t/acme'] },
      { scope: '{ platforms: [tiktok] }', mention: mentionWith(), expected: [] },
      { scope: '{ platforms: [tiktok, twitter] }', mention: mentionWith(), expected: ['t/acme'] },
      { scope: '{ countries: [FR] }', mention: mentionWith(), expected: [] },
      { scope: '{ countries: [FR] }', mention: mentionWith({ country: 'FR' }), expected: ['t/acme'] },
      { scope: '{ countries: [FR] }', mention: mentionWith({ country: 'CA' }), expected: [] },
    ])('hits $expected with scope $scope', ({ scope, mention, expected }) => {
      const snippet = `triggers: [{ id: t, level: alert, kind: influential-negative, minFollowers: 1, scope: ${scope} }]`;
      expect(triggeredIds(snippet, { ...mention, author: { ...mention.author, followers: 5 } })).toEqual(expected);
    });
  });

  describe('negative-share', () => {
    const plan = planWith(
      `triggers: [{ id: share, level: alert, kind: negative-share, minSharePct: 50, windowMs: 10m, minMentions: 4 }]`,
    );
    const negative = mentionWith();
    const positive = mentionWith({
      sentiment: { lang: 'en', label: 'positive', score: 0.7, confidence: 0.9, cues: [] },
    });

    function feed(steps: { mention: typeof negative; atMs: number }[]): string[][] {
      let state = createTriggerState();
      return steps.map(({ mention, atMs }) => {
        const outcome = evaluateMention(plan, state, mention, atMs);
        state = outcome.state;
        return outcome.hits.map((hit) => hit.reason);
      });
    }

    it('stays quiet until the window holds the minimum number of mentions', () => {
      const reasons = feed([0, 1, 2].map((i) => ({ mention: negative, atMs: T0 + i * 1_000 })));
      expect(reasons.flat()).toEqual([]);
    });

    it('hits when the negative share reaches the threshold with enough mentions', () => {
      const reasons = feed([
        { mention: positive, atMs: T0 },
        { mention: negative, atMs: T0 + 1_000 },
        { mention: positive, atMs: T0 + 2_000 },
        { mention: negative, atMs: T0 + 3_000 },
      ]);
      expect(reasons[3]).toEqual(['Negative share 50% over the last 10m (2 of 4 mentions), threshold 50%']);
    });

    it('hits at most once a minute while the share stays high', () => {
      const reasons = feed([0, 1, 2, 3, 4, 5].map((i) => ({ mention: negative, atMs: T0 + i * 1_000 })));
      expect(reasons.map((hits) => hits.length)).toEqual([0, 0, 0, 1, 0, 0]);
    });

    it('hits again in the next minute while the share stays high', () => {
      const reasons = feed([
        ...[0, 1, 2, 3].map((i) => ({ mention: negative, atMs: T0 + i * 1_000 })),
        { mention: negative, atMs: T0 + MINUTE_MS },
      ]);
      expect(reasons[4]).toHaveLength(1);
    });

    it('forgets mentions older than the window', () => {
      const reasons = feed([
        ...[0, 1, 2].map((i) => ({ mention: negative, atMs: T0 + i * 1_000 })),
        { mention: negative, atMs: T0 + 11 * MINUTE_MS },
      ]);
      expect(reasons[3]).toEqual([]);
    });

    it('keeps at most one bucket per minute of the window', () => {
      let state = createTriggerState();
      for (let minute = 0; minute < 60; minute += 1) {
        state = evaluateMention(plan, state, positive, T0 + minute * MINUTE_MS).state;
      }
      expect(state.shareWindows['share|acme']?.buckets).toHaveLength(10);
    });

    it('does not modify the state it was given', () => {
      const state = createTriggerState();
      evaluateMention(plan, state, negative, T0);
      expect(state).toEqual(createTriggerState());
    });

    it('keeps a state that survives a JSON round trip through a store', () => {
      const { state } = evaluateMention(plan, createTriggerState(), negative, T0);
      expect(triggerStateSchema.parse(JSON.parse(JSON.stringify(state)))).toEqual(state);
    });

    it('drops windows of triggers a reloaded plan no longer has', () => {
      const { state } = evaluateMention(plan, createTriggerState(), negative, T0);
      const reloaded = planWith('version: 8');
      expect(evaluateMention(reloaded, state, negative, T0).state.shareWindows).toEqual({});
    });
  });

  it('produces hits that pass the Kafka message schema', () => {
    const plan = planWith(`triggers: [{ id: influencer, level: alert, kind: influential-negative, minFollowers: 10 }]`);
    const { hits } = evaluateMention(plan, createTriggerState(), mentionWith({ followers: 11, country: 'FR' }), T0);
    expect(hits.map((hit) => triggerHitSchema.safeParse(hit).success)).toEqual([true]);
  });
});

describe(evaluateSignal.name, () => {
  const snippet = `
triggers:
  - { id: volume, level: watch, kind: volume-spike }
  - { id: negative, level: crisis, kind: negative-spike, minScore: 0.8, scope: { brands: [acme] } }
  - { id: reach, level: alert, kind: reach-spike }`;

  it.each([
    { signal: signalWith({ metric: 'volume', score: 0.5 }), expected: ['volume/acme/watch'] },
    { signal: signalWith({ metric: 'volume', score: 0.49 }), expected: [] },
    { signal: signalWith({ metric: 'negativeVolume', score: 0.85 }), expected: ['negative/acme/crisis'] },
    { signal: signalWith({ metric: 'negativeVolume', score: 0.7 }), expected: [] },
    { signal: signalWith({ metric: 'negativeVolume', score: 0.9, brandId: 'globex' }), expected: [] },
    { signal: signalWith({ metric: 'reachNegative', score: 0.6 }), expected: ['reach/acme/alert'] },
    { signal: signalWith({ metric: 'negativeShare', score: 1 }), expected: [] },
  ])('hits $expected for $signal.metric at score $signal.score', ({ signal, expected }) => {
    const { hits } = evaluateSignal(planWith(snippet), createTriggerState(), signal, T0);
    expect(hits.map((hit) => `${hit.triggerId}/${hit.brandId}/${hit.level}`)).toEqual(expected);
  });

  it('carries the signal as evidence and explains it', () => {
    const { hits } = evaluateSignal(planWith(snippet), createTriggerState(), signalWith({ score: 0.91 }), T0);
    expect(hits[0]).toMatchObject({
      reason: 'Spike in negative volume: 42 observed, 8 expected (score 0.91)',
      evidence: { signal: { metric: 'negativeVolume' } },
      atMs: T0,
      planVersion: '7',
    });
  });

  it('writes the amounts as a person reads them', () => {
    const signal = signalWith({ metric: 'volume', score: 0.54, observed: 27, expected: 0.44003249247224996 });
    const { hits } = evaluateSignal(planWith(snippet), createTriggerState(), signal, T0);
    expect(hits[0]?.reason).toBe('Spike in mention volume: 27 observed, 0.44 expected (score 0.54)');
  });
});
