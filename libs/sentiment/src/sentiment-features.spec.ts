import { getPolarityLexicon } from './polarity-lexicon';
import { applyPolarityRules } from './polarity-rules';
import { DENSE_FEATURES, FEATURE_BUCKETS, blockValue, extractFeatures, visitCharGrams } from './sentiment-features';
import type { SupportedLanguage } from './social-lexicon';
import { normalizeText, tokenizeSocial } from './social-tokenizer';

function featuresOf(text: string, lang: SupportedLanguage = 'fr') {
  const lexicon = getPolarityLexicon(lang);
  const tokenized = tokenizeSocial(normalizeText(text), (norm) => lexicon.isKnown(norm));
  return extractFeatures(tokenized, applyPolarityRules(tokenized.tokens, lang, lexicon));
}

const hashedBuckets = (text: string, lang?: SupportedLanguage): Set<number> =>
  new Set(featuresOf(text, lang).indices.filter((bucket) => bucket >= DENSE_FEATURES));

describe(visitCharGrams.name, () => {
  it.each([
    ['a', 3],
    ['ab', 6],
    ['nul', 10],
    ['arnaque', 26],
  ])('emits every 2–5-gram of the padded word %j (%d)', (word, expected) => {
    const buckets: number[] = [];
    expect(visitCharGrams(word, (bucket) => buckets.push(bucket))).toBe(expected);
    expect(buckets).toHaveLength(expected);
  });

  it('keeps every bucket inside the hashed range', () => {
    const buckets: number[] = [];
    visitCharGrams('anticonstitutionnellement', (bucket) => buckets.push(bucket));
    expect(buckets.every((bucket) => bucket >= DENSE_FEATURES && bucket < FEATURE_BUCKETS)).toBe(true);
  });
});

describe(extractFeatures.name, () => {
  it('is deterministic', () => {
    expect(featuresOf('Quelle arnaque 😡')).toEqual(featuresOf('Quelle arnaque 😡'));
  });

  it('marks a negated word apart from the same word unnegated', () => {
    const plain = hashedBuckets('content');
    const negated = hashedBuckets('pas content');
    expect([...plain].filter((bucket) => !negated.has(bucket)).length).toBeGreaterThan(0);
  });

  it.each([
    ['ignores URLs and @user placeholders', 'super http @user', 'super'],
    ['reads accents and case alike', 'DÉÇU', 'decu'],
  ])('%s in the hashed features', (_, text, same) => {
    expect(hashedBuckets(text)).toEqual(hashedBuckets(same));
  });

  it('scales each hashed block to unit length', () => {
    const { indices, values } = featuresOf('très bon produit');
    const hashedValues = values.filter((_, i) => (indices[i] ?? 0) >= DENSE_FEATURES);
    const distinct = [...new Set(hashedValues)];
    const squaredNorm = distinct.reduce(
      (sum, value) => sum + hashedValues.filter((v) => v === value).length * value * value,
      0,
    );
    expect(squaredNorm).toBeCloseTo(distinct.length);
  });

  it('sets the dense rule features of a negative, shouted, negated text', () => {
    const { indices, values } = featuresOf('Service NUL, pas content !!!');
    const dense = new Map<number, number>();
    indices.forEach((bucket, i) => {
      if (bucket < DENSE_FEATURES) dense.set(bucket, values[i] ?? 0);
    });
    expect(dense.get(0)).toBeLessThan(0);
    expect(dense.get(8)).toBe(1);
    expect(dense.get(16)).toBe(1);
  });
});

describe(blockValue.name, () => {
  it.each([
    [0, 0],
    [1, 1],
    [4, 0.5],
  ])('gives %d features the value %d each', (count, expected) => {
    expect(blockValue(count)).toBe(expected);
  });
});
