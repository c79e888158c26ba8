import type { RuleAnalysis } from './polarity-rules';
import type { SocialToken, TokenizedText } from './social-tokenizer';

/** Bumped whenever extraction changes, so a model trained on other features is refused. */
export const FEATURE_VERSION = 4;

const DENSE_NAMES = [
  'ruleScore',
  'positiveSum',
  'negativeSum',
  'negatedHits',
  'crisisWords',
  'emojiPositive',
  'emojiNegative',
  'contrast',
  'exclamation',
  'question',
  'capsShare',
  'elongated',
  'url',
  'handle',
  'hashtag',
  'length',
  'negations',
  'secondaryLexicon1',
  'secondaryLexicon2',
] as const;

export const DENSE_FEATURES = DENSE_NAMES.length;

// A power of two, so a bucket is a mask and not a (slow, floating) modulo. 2^18 buckets (a
// 1.5 MB table, inside a core's L2 cache) cost English 0.006 of mean cross-validated macro-F1
// for a gain in speed too small to measure on the shared machine, so the table stays at 2^20.
const HASHED_BUCKETS = 1 << 20;
const BUCKET_MASK = HASHED_BUCKETS - 1;

/** Size of the feature space: the dense features, then the hashed buckets. */
export const FEATURE_BUCKETS = DENSE_FEATURES + HASHED_BUCKETS;

const CHAR_GRAM_MIN = 2;
const CHAR_GRAM_MAX = 5;
const FNV_PRIME = 16777619;
const SEEDS = { unigram: 0x811c9dc5, bigram: 0x01000193, chars: 0x9e3779b1 } as const;

/** A sparse feature vector: parallel bucket indices and values; a bucket may repeat. */
export interface FeatureVector {
  readonly indices: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

/**
 * Receives features as they are found. Hashed blocks arrive unscaled; their value is
 * {@link blockValue} of the block's final count, known only at the end.
 */
export interface FeatureSink {
  dense(slot: number, value: number): void;
  /**
   * A token's unigram, hashed apart when negated; `token` is its index. `hashes` is the same
   * object, with the same `id`, whenever the written form comes back, for the sink to remember
   * what it derived.
   */
  unigram(hashes: WordHashes, negated: boolean, token: number): void;
  /** A bigram of the token and the one before it. */
  bigram(bucket: number, token: number): void;
  /** The character n-grams of one word: expand them with {@link visitCharGrams}; returns their count. */
  charGrams(word: string, hashes: WordHashes, token: number): number;
}

/** Value of each feature in a hashed block of `count` features: the block has unit length. */
export function blockValue(count: number): number {
  return count === 0 ? 0 : 1 / Math.sqrt(count);
}

function hashInto(state: number, text: string): number {
  let hash = state;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  }
  return hash;
}

function toBucket(hash: number): number {
  return DENSE_FEATURES + (hash & BUCKET_MASK);
}

function sendDense(sink: FeatureSink, slot: number, value: number): void {
  if (value !== 0) sink.dense(slot, value);
}

// FNV states are 32-bit signed integers, never this.
const NO_PREVIOUS = 2 ** 32;
// A negated unigram is hashed as "!" + norm: the state after "!" is shared by all of them.
const NEGATED_SEED = hashInto(SEEDS.unigram, '!');

/** The hashes a token contributes whatever its neighbours: its unigram (plain and negated) and its bigram prefix. */
export interface WordHashes {
  /** Buckets of the unigram, plain and negated. */
  readonly unigram: number;
  readonly negated: number;
  readonly bigramPrefix: number;
  /** A number no other written form's hashes had: sinks key what they derive from the form by it. */
  readonly id: number;
}

let nextWordId = 0;

function wordHashes(token: SocialToken): WordHashes {
  const { memo } = token;
  if (memo.id < 0) {
    const { norm } = token;
    memo.unigram = toBucket(hashInto(SEEDS.unigram, norm));
    memo.negated = toBucket(hashInto(NEGATED_SEED, norm));
    memo.bigramPrefix = hashInto(hashInto(SEEDS.bigram, norm), ' ');
    memo.id = nextWordId++;
  }
  return memo;
}

/**
 * Walks the model features of a tokenized text and its rule analysis into a sink: dense
 * rule features (polarity sums, negations, emoji, crisis words, emphasis, placeholders),
 * hashed word unigrams (marked when negated) and bigrams, and hashed character 2–5-grams
 * of the folded words. Returns the sizes of the two hashed blocks.
 */
export function visitFeatures(
  tokenized: TokenizedText,
  rules: RuleAnalysis,
  sink: FeatureSink,
): { words: number; chars: number } {
  const { tokens } = tokenized;
  let emojiPositive = 0;
  let emojiNegative = 0;
  let negatedHits = 0;
  for (const hit of rules.hits) {
    if (hit.negated) negatedHits++;
    if (hit.kind === 'word') continue;
    if (hit.weight > 0) emojiPositive += hit.weight;
    else emojiNegative -= hit.weight;
  }
  sendDense(sink, 0, rules.score);
  sendDense(sink, 1, Math.log1p(rules.positive));
  sendDense(sink, 2, Math.log1p(rules.negative));
  sendDense(sink, 3, Math.min(negatedHits, 3) / 3);
  sendDense(sink, 4, Math.min(rules.crisisWords, 3) / 3);
  sendDense(sink, 5, Math.log1p(emojiPositive));
  sendDense(sink, 6, Math.log1p(emojiNegative));
  sendDense(sink, 7, rules.contrast ? 1 : 0);
  sendDense(sink, 8, rules.exclamations > 0 ? 1 : 0);
  sendDense(sink, 9, rules.questions > 0 ? 1 : 0);
  sendDense(sink, 10, rules.words === 0 ? 0 : rules.capsWords / rules.words);
  sendDense(sink, 11, rules.elongatedWords > 0 ? 1 : 0);
  sendDense(sink, 12, tokenized.urlCount > 0 ? 1 : 0);
  sendDense(sink, 13, tokenized.handleCount > 0 ? 1 : 0);
  sendDense(sink, 14, tokenized.hashtagCount > 0 ? 1 : 0);
  sendDense(sink, 15, Math.min(rules.words, 40) / 40);
  sendDense(sink, 16, rules.negations > 0 ? 1 : 0);
  sendDense(sink, 17, rules.secondary[0] ?? 0);
  sendDense(sink, 18, rules.secondary[1] ?? 0);

  let words = 0;
  let chars = 0;
  // Hash state after "previous " (bigram seed, previous norm, space); NO_PREVIOUS at a phrase start.
  let bigramPrefix = NO_PREVIOUS;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (token === undefined || token.kind === 'punct') {
      bigramPrefix = NO_PREVIOUS;
      continue;
    }
    const hashes = wordHashes(token);
    sink.unigram(hashes, rules.negatedTokens[index] === true, index);
    words++;
    if (bigramPrefix !== NO_PREVIOUS) {
      sink.bigram(toBucket(hashInto(bigramPrefix, token.norm)), index);
      words++;
    }
    bigramPrefix = hashes.bigramPrefix;
    if (token.kind === 'word') chars += sink.charGrams(token.norm, hashes, index);
  }
  return { words, chars };
}

const SPACE = 32;

/**
 * Calls `visit` with the bucket of each character 2–5-gram of " word " (padded with spaces),
 * hashed without building the padded string; returns how many. Grams stay within a word so
 * a word's grams can be summed once and remembered.
 */
export function visitCharGrams(word: string, visit: (bucket: number) => void): number {
  const padded = word.length + 2;
  let count = 0;
  for (let start = 0; start < padded - 1; start++) {
    let hash: number = SEEDS.chars;
    for (let length = 1; length <= CHAR_GRAM_MAX && start + length <= padded; length++) {
      const at = start + length - 1;
      const code = at === 0 || at === padded - 1 ? SPACE : word.charCodeAt(at - 1);
      hash = Math.imul(hash ^ code, FNV_PRIME);
      if (length >= CHAR_GRAM_MIN) {
        visit(toBucket(hash));
        count++;
      }
    }
  }
  return count;
}

/** The features of a text as a sparse vector, each hashed block scaled to unit length (for training). */
export function extractFeatures(
  tokenized: TokenizedText,
  rules: RuleAnalysis,
): { readonly indices: number[]; readonly values: number[] } {
  const indices: number[] = [];
  const values: number[] = [];
  const wordBuckets: number[] = [];
  const charBuckets: number[] = [];
  const counts = visitFeatures(tokenized, rules, {
    dense: (slot, value) => {
      indices.push(slot);
      values.push(value);
    },
    unigram: (hashes, negated) => wordBuckets.push(negated ? hashes.negated : hashes.unigram),
    bigram: (bucket) => wordBuckets.push(bucket),
    charGrams: (word) => visitCharGrams(word, (bucket) => charBuckets.push(bucket)),
  });
  const wordValue = blockValue(counts.words);
  const charValue = blockValue(counts.chars);
  for (const bucket of wordBuckets) {
    indices.push(bucket);
    values.push(wordValue);
  }
  for (const bucket of charBuckets) {
    indices.push(bucket);
    values.push(charValue);
  }
  return { indices, values };
}
