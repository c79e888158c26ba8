import { getPolarityLexicon } from './polarity-lexicon';
import { applyPolarityRules } from './polarity-rules';
import type { LinearModel, ScoringModel } from './linear-model';
import {
  CLASS_COUNT,
  createLinearModel,
  deserializeSentimentModel,
  explainPrediction,
  predictProbabilities,
  predictText,
  quantizeLinearModel,
  serializeLinearModel,
} from './linear-model';
import { FEATURE_BUCKETS, FEATURE_VERSION, extractFeatures } from './sentiment-features';
import { normalizeText, tokenizeSocial } from './social-tokenizer';

/**
 * A model with small pseudo-random weights everywhere, so every feature counts; in whole
 * thousandths, so its scoring form holds the same weights.
 */
function makeModel(): LinearModel {
  const model = createLinearModel();
  for (let i = 0; i < model.weights.length; i++) model.weights[i] = (((i * 2654435761) >>> 0) % 2001) / 1000 - 1;
  model.bias.set([0.1, 0.3, -0.2]);
  return model;
}

const makeScoringModel = (): ScoringModel => quantizeLinearModel(makeModel(), 1000);

const header = {
  format: 'tocsin-sentiment-linear',
  version: 1,
  featureVersion: FEATURE_VERSION,
  buckets: FEATURE_BUCKETS,
  scale: 1000,
};

describe(predictText.name, () => {
  it.each(['Quelle arnaque ce service client !!! 😡', 'pas mal du tout #topProduit', '', 'ok ok ok ok'])(
    'matches the probabilities of the explicit feature vector for %j',
    (text) => {
      const lexicon = getPolarityLexicon('fr');
      const tokenized = tokenizeSocial(normalizeText(text), (norm) => lexicon.isKnown(norm));
      const rules = applyPolarityRules(tokenized.tokens, 'fr', lexicon);
      const fromVector = predictProbabilities(makeModel(), extractFeatures(tokenized, rules));
      const streamed = predictText(makeScoringModel(), tokenized, rules).probabilities;
      for (let c = 0; c < CLASS_COUNT; c++) expect(streamed[c]).toBeCloseTo(fromVector[c] ?? 0, 5);
    },
  );

  it('still matches them after more new words than the memo tables hold took their places', () => {
    const lexicon = getPolarityLexicon('fr');
    const isKnown = (norm: string): boolean => lexicon.isKnown(norm);
    const model = makeScoringModel();
    const text = 'Quelle arnaque ce service client, vraiment nul';
    const tokenized = tokenizeSocial(normalizeText(text), isKnown);
    const rules = applyPolarityRules(tokenized.tokens, 'fr', lexicon);
    const expected = predictProbabilities(makeModel(), extractFeatures(tokenized, rules));
    predictText(model, tokenized, rules);
    // 70,000 written forms never seen: beyond the word cache (50,000) and the rows (65,536).
    for (let batch = 0; batch < 70; batch++) {
      const words = Array.from({ length: 1000 }, (_, i) => `mot${batch}x${i}`).join(' ');
      const other = tokenizeSocial(words, isKnown);
      predictText(model, other, applyPolarityRules(other.tokens, 'fr', lexicon));
    }
    const again = tokenizeSocial(normalizeText(text), isKnown);
    for (const scored of [tokenized, again]) {
      const probabilities = predictText(model, scored, applyPolarityRules(scored.tokens, 'fr', lexicon)).probabilities;
      for (let c = 0; c < CLASS_COUNT; c++) expect(probabilities[c]).toBeCloseTo(expected[c] ?? 0, 5);
    }
  });
});

describe(explainPrediction.name, () => {
  it.each(['Quelle arnaque ce service client !!! 😡', 'pas mal du tout #topProduit', 'trop bien, merci'])(
    'splits the whole logit margin of each label over the features of %j',
    (text) => {
      const model = makeScoringModel();
      const lexicon = getPolarityLexicon('fr');
      const tokenized = tokenizeSocial(normalizeText(text), (norm) => lexicon.isKnown(norm));
      const prediction = predictText(model, tokenized, applyPolarityRules(tokenized.tokens, 'fr', lexicon));
      const logits = [...prediction.probabilities].map(Math.log);
      for (let label = 0; label < CLASS_COUNT; label++) {
        const others = logits.filter((_, c) => c !== label);
        const margin = (logits[label] ?? 0) - others.reduce((a, b) => a + b, 0) / others.length;
        const biasOthers = [...model.bias].filter((_, c) => c !== label);
        const biasMargin = (model.bias[label] ?? 0) - biasOthers.reduce((a, b) => a + b, 0) / biasOthers.length;
        const { tokens, tokenCount, dense } = explainPrediction(model, prediction, label);
        const explained = [...tokens.subarray(0, tokenCount), ...dense].reduce((a, b) => a + b, 0);
        expect(biasMargin + explained).toBeCloseTo(margin, 4);
      }
    },
  );

  it('gives each word of the text its own share', () => {
    const model = makeScoringModel();
    const lexicon = getPolarityLexicon('en');
    const tokenized = tokenizeSocial(normalizeText('great service today'), (norm) => lexicon.isKnown(norm));
    const prediction = predictText(model, tokenized, applyPolarityRules(tokenized.tokens, 'en', lexicon));
    const { tokens, tokenCount } = explainPrediction(model, prediction, 2);
    expect(tokenCount).toBe(3);
    for (const push of tokens.subarray(0, tokenCount)) expect(push).not.toBe(0);
  });
});

describe(predictProbabilities.name, () => {
  it('returns a distribution that follows the bias on an empty vector', () => {
    const probabilities = predictProbabilities(makeModel(), { indices: [], values: [] });
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(probabilities[1]).toBeGreaterThan(probabilities[0] ?? 1);
  });
});

describe(deserializeSentimentModel.name, () => {
  it('restores serialized weights to within the rounding step', () => {
    const model = createLinearModel();
    model.weights[5 * CLASS_COUNT + 2] = 0.1234;
    model.weights[1000 * CLASS_COUNT] = -2.5;
    model.bias.set([0.5, -0.25, 0]);
    const restored = deserializeSentimentModel({ ...header, languages: { fr: serializeLinearModel(model, 1000) } }).fr;
    const weightAt = (at: number): number => (restored?.weights[at] ?? 0) * (restored?.step ?? 0);
    expect(weightAt(5 * CLASS_COUNT + 2)).toBeCloseTo(0.123, 3);
    expect(weightAt(1000 * CLASS_COUNT)).toBeCloseTo(-2.5, 3);
    expect([...(restored?.bias ?? [])]).toEqual([0.5, -0.25, 0]);
  });

  it('drops weights that round to zero', () => {
    const model = createLinearModel();
    model.weights[7] = 0.0001;
    expect(serializeLinearModel(model, 1000).bucketDeltas).toEqual([]);
  });

  it.each([
    ['another feature version', { ...header, featureVersion: FEATURE_VERSION + 1, languages: {} }, /feature version/],
    ['another bucket count', { ...header, buckets: 12, languages: {} }, /buckets/],
    [
      'malformed weights',
      { ...header, languages: { en: { bias: [0], bucketDeltas: [1], weights: [] } } },
      /malformed weights for "en"/,
    ],
    ['not an object', 'model', /format/],
    [
      'a weight beyond 16 bits',
      { ...header, languages: { en: { bias: [0, 0, 0], bucketDeltas: [30], weights: [40000, 0, 0] } } },
      /weight 40000 of bucket 30 in "en" is not a 16-bit integer/,
    ],
  ])('refuses %s', (_, file, message) => {
    expect(() => deserializeSentimentModel(file)).toThrow(message);
  });
});
