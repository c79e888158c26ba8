import { SENTIMENT_LABELS } from '@tocsin/domain';
import type { SupportedLanguage } from './social-lexicon';
import { SUPPORTED_LANGUAGES } from './social-lexicon';
import type { RuleAnalysis } from './polarity-rules';
import type { FeatureSink, FeatureVector, WordHashes } from './sentiment-features';
import {
  DENSE_FEATURES,
  FEATURE_BUCKETS,
  FEATURE_VERSION,
  blockValue,
  visitCharGrams,
  visitFeatures,
} from './sentiment-features';
import type { TokenizedText } from './social-tokenizer';

export const CLASS_COUNT = SENTIMENT_LABELS.length;

/**
 * A language's weights as shipped: the non-zero buckets, delta-encoded in ascending order,
 * and their weights as integers over `scale`, class-major within a bucket.
 */
export interface SerializedLanguageModel {
  readonly bias: readonly number[];
  readonly bucketDeltas: readonly number[];
  readonly weights: readonly number[];
}

/** The model file (`model/sentiment-model.v2.json`). */
export interface SerializedSentimentModel {
  readonly format: 'tocsin-sentiment-linear';
  readonly version: number;
  readonly featureVersion: number;
  readonly buckets: number;
  readonly scale: number;
  readonly languages: Readonly<Partial<Record<SupportedLanguage, SerializedLanguageModel>>>;
}

/** Multinomial logistic regression weights, dense over the hashed buckets. */
export interface LinearModel {
  readonly bias: Float64Array;
  /** `weights[bucket * CLASS_COUNT + class]`. */
  readonly weights: Float32Array;
}

/**
 * A language's weights as scoring reads them: 16-bit integers, `weight = weights[i] * step`.
 * Half the memory of 32-bit floats (6 MB a language instead of 12); the shipped weights are
 * integers over the file's scale already, so nothing is lost.
 */
export interface ScoringModel {
  readonly bias: Float64Array;
  /** `weights[bucket * CLASS_COUNT + class]`, in units of `step`. */
  readonly weights: Int16Array;
  readonly step: number;
}

export type SentimentModel = Readonly<Partial<Record<SupportedLanguage, ScoringModel>>>;

const INT16_MAX = 32767;

/** Builds an all-zero model for training. */
export function createLinearModel(): LinearModel {
  return { bias: new Float64Array(CLASS_COUNT), weights: new Float32Array(FEATURE_BUCKETS * CLASS_COUNT) };
}

/**
 * Class probabilities (negative, neutral, positive) of a feature vector under a model.
 * Writes into `out` when given, to spare allocations on the hot path.
 */
export function predictProbabilities(
  model: LinearModel,
  features: FeatureVector,
  out = new Float64Array(CLASS_COUNT),
): Float64Array {
  let z0 = model.bias[0] ?? 0;
  let z1 = model.bias[1] ?? 0;
  let z2 = model.bias[2] ?? 0;
  const { weights } = model;
  const { indices, values } = features;
  for (let i = 0; i < indices.length; i++) {
    const offset = (indices[i] ?? 0) * CLASS_COUNT;
    const value = values[i] ?? 0;
    z0 += (weights[offset] ?? 0) * value;
    z1 += (weights[offset + 1] ?? 0) * value;
    z2 += (weights[offset + 2] ?? 0) * value;
  }
  return softmaxInto(z0, z1, z2, out);
}

function softmaxInto(z0: number, z1: number, z2: number, out: Float64Array): Float64Array {
  const top = Math.max(z0, z1, z2);
  const e0 = Math.exp(z0 - top);
  const e1 = Math.exp(z1 - top);
  const e2 = Math.exp(z2 - top);
  const sum = e0 + e1 + e2;
  out[0] = e0 / sum;
  out[1] = e1 / sum;
  out[2] = e2 / sum;
  return out;
}

// Per token, its word-feature and character-gram weight sums per class, side by side.
const TOKEN_STRIDE = 2 * CLASS_COUNT;

// A written form's row in a model's derived table, 32 bytes (half a cache line): its id, its
// unigram's weights, its character n-grams' weight sums and their count, all integers (sums of
// 16-bit weights). Rows are indexed by the form's id, direct-mapped: one read instead of the
// chain of small objects a per-form memo was, and the latest 2^16 forms never evict each other.
const TAG_AT = 0;
const UNIGRAM_AT = 1;
const CHARS_AT = UNIGRAM_AT + CLASS_COUNT;
const CHAR_COUNT_AT = CHARS_AT + CLASS_COUNT;
const DERIVED_ROW = 8;
const DERIVED_ROWS = 1 << 16;
const DERIVED_ROW_MASK = DERIVED_ROWS - 1;
// A word has at least one character gram, so no count is negative.
const NOT_YET = -1;

/**
 * Sums weights per block as features stream in, so scoring builds no feature vector; and,
 * per token, the weights of its own features, so the verdict can be explained without
 * walking the features again. One per model, reused from text to text: what it holds is
 * valid until the model scores the next text.
 */
class LogitAccumulator implements FeatureSink {
  dense0 = 0;
  dense1 = 0;
  dense2 = 0;
  word0 = 0;
  word1 = 0;
  word2 = 0;
  char0 = 0;
  char1 = 0;
  char2 = 0;
  /**
   * `tokenSums[token * TOKEN_STRIDE + c]`: its unigram's weights plus half of each bigram it is
   * in; at `+ CLASS_COUNT + c`, its character n-grams' weights. Like every sum here, in units
   * of the model's step, applied once at the end. Room for the longest text yet; a typed array
   * allocated per text cost more than the arithmetic done in it.
   */
  tokenSums = new Float64Array(64 * TOKEN_STRIDE);
  /** Value of each dense feature, by slot (0 when absent). */
  readonly denseValues = new Float64Array(DENSE_FEATURES);
  /** Per bigram met: its weight row's offset, then its token's offset in `tokenSums`. */
  private bigrams = new Int32Array(256);
  private bigramCount = 0;
  /** Rows of what the model derives from written forms (see {@link DERIVED_ROW}). */
  private readonly derived = new Int32Array(DERIVED_ROWS * DERIVED_ROW).fill(-1);

  constructor(private readonly weights: Int16Array) {}

  /** Clears the sums for a text of `tokenCount` tokens. */
  reset(tokenCount: number): void {
    this.dense0 = this.dense1 = this.dense2 = 0;
    this.word0 = this.word1 = this.word2 = 0;
    this.char0 = this.char1 = this.char2 = 0;
    const length = tokenCount * TOKEN_STRIDE;
    if (this.tokenSums.length < length) this.tokenSums = new Float64Array(Math.max(length, 2 * this.tokenSums.length));
    else this.tokenSums.fill(0, 0, length);
    this.denseValues.fill(0);
    this.bigramCount = 0;
  }

  dense(slot: number, value: number): void {
    const offset = slot * CLASS_COUNT;
    this.dense0 += (this.weights[offset] ?? 0) * value;
    this.dense1 += (this.weights[offset + 1] ?? 0) * value;
    this.dense2 += (this.weights[offset + 2] ?? 0) * value;
    this.denseValues[slot] = value;
  }

  unigram(hashes: WordHashes, negated: boolean, token: number): void {
    if (negated) {
      this.addWord(this.weights, hashes.negated * CLASS_COUNT, token);
    } else {
      // The plain unigram's weights are copied into the word's row: one read fewer in the table.
      this.addWord(this.derived, this.rowOf(hashes) + UNIGRAM_AT, token);
    }
  }

  bigram(bucket: number, token: number): void {
    // Only noted here and read in one tight loop at the end ({@link addBigrams}): reads of the
    // table at random places then overlap instead of each stalling the walk. The sums are of
    // integers (and halves), exact in any order.
    const at = 2 * this.bigramCount++;
    if (at === this.bigrams.length) {
      const grown = new Int32Array(2 * at);
      grown.set(this.bigrams);
      this.bigrams = grown;
    }
    this.bigrams[at] = bucket * CLASS_COUNT;
    this.bigrams[at + 1] = token * TOKEN_STRIDE;
  }

  /** Adds the bigrams noted since {@link reset}. */
  addBigrams(): void {
    const { weights, bigrams, tokenSums: sums } = this;
    let word0 = 0;
    let word1 = 0;
    let word2 = 0;
    for (let i = 0; i < 2 * this.bigramCount; i += 2) {
      const offset = bigrams[i] ?? 0;
      const at = bigrams[i + 1] ?? 0;
      const w0 = weights[offset] ?? 0;
      const w1 = weights[offset + 1] ?? 0;
      const w2 = weights[offset + 2] ?? 0;
      word0 += w0;
      word1 += w1;
      word2 += w2;
      // A bigram is the reason of both its words, half each.
      const before = at - TOKEN_STRIDE;
      sums[before] = (sums[before] ?? 0) + w0 / 2;
      sums[before + 1] = (sums[before + 1] ?? 0) + w1 / 2;
      sums[before + 2] = (sums[before + 2] ?? 0) + w2 / 2;
      sums[at] = (sums[at] ?? 0) + w0 / 2;
      sums[at + 1] = (sums[at + 1] ?? 0) + w1 / 2;
      sums[at + 2] = (sums[at + 2] ?? 0) + w2 / 2;
    }
    this.word0 += word0;
    this.word1 += word1;
    this.word2 += word2;
  }

  private addWord(row: ArrayLike<number>, offset: number, token: number): void {
    const w0 = row[offset] ?? 0;
    const w1 = row[offset + 1] ?? 0;
    const w2 = row[offset + 2] ?? 0;
    this.word0 += w0;
    this.word1 += w1;
    this.word2 += w2;
    const sums = this.tokenSums;
    const at = token * TOKEN_STRIDE;
    sums[at] = (sums[at] ?? 0) + w0;
    sums[at + 1] = (sums[at + 1] ?? 0) + w1;
    sums[at + 2] = (sums[at + 2] ?? 0) + w2;
  }

  charGrams(word: string, hashes: WordHashes, token: number): number {
    const derived = this.derived;
    const row = this.rowOf(hashes);
    if (derived[row + CHAR_COUNT_AT] === NOT_YET) {
      const { weights } = this;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      derived[row + CHAR_COUNT_AT] = visitCharGrams(word, (bucket) => {
        const offset = bucket * CLASS_COUNT;
        s0 += weights[offset] ?? 0;
        s1 += weights[offset + 1] ?? 0;
        s2 += weights[offset + 2] ?? 0;
      });
      derived[row + CHARS_AT] = s0;
      derived[row + CHARS_AT + 1] = s1;
      derived[row + CHARS_AT + 2] = s2;
    }
    const s0 = derived[row + CHARS_AT] ?? 0;
    const s1 = derived[row + CHARS_AT + 1] ?? 0;
    const s2 = derived[row + CHARS_AT + 2] ?? 0;
    this.char0 += s0;
    this.char1 += s1;
    this.char2 += s2;
    const at = token * TOKEN_STRIDE + CLASS_COUNT;
    this.tokenSums[at] = s0;
    this.tokenSums[at + 1] = s1;
    this.tokenSums[at + 2] = s2;
    return derived[row + CHAR_COUNT_AT] ?? 0;
  }

  /**
   * Where this model keeps what it derives from a written form, claimed for it if another form
   * held the row: the plain unigram's weights, then, once asked for, the sums of its character
   * n-grams' weights and their count ({@link NOT_YET} until then).
   */
  private rowOf(hashes: WordHashes): number {
    const derived = this.derived;
    const row = (hashes.id & DERIVED_ROW_MASK) * DERIVED_ROW;
    // Ids are counted from 0 and stored as 32-bit integers, which they outgrow only after 2^31 forms.
    const tag = hashes.id | 0;
    if (derived[row + TAG_AT] !== tag) {
      derived[row + TAG_AT] = tag;
      const offset = hashes.unigram * CLASS_COUNT;
      for (let c = 0; c < CLASS_COUNT; c++) derived[row + UNIGRAM_AT + c] = this.weights[offset + c] ?? 0;
      derived[row + CHAR_COUNT_AT] = NOT_YET;
    }
    return row;
  }
}

// Each model's accumulator is its own: its derived table holds that model's weights.
const accumulators = new WeakMap<ScoringModel, LogitAccumulator>();

function accumulatorFor(model: ScoringModel): LogitAccumulator {
  let accumulator = accumulators.get(model);
  if (accumulator === undefined) {
    accumulator = new LogitAccumulator(model.weights);
    accumulators.set(model, accumulator);
  }
  return accumulator;
}

/**
 * Class probabilities of a text, and what fed them, to explain the verdict. `tokenSums` and
 * `denseValues` are scratch space: valid until the next {@link predictText} with the same model.
 */
export interface TextPrediction {
  readonly probabilities: readonly number[];
  /** Value of each dense feature, by slot. */
  readonly denseValues: Float64Array;
  readonly tokenCount: number;
  /**
   * Per token (the first `tokenCount * 6` numbers), the class weights of its word features,
   * then of its character n-grams (in steps).
   */
  readonly tokenSums: Float64Array;
  /** Value of each word feature and of each character n-gram (unit-length blocks). */
  readonly wordValue: number;
  readonly charValue: number;
}

/**
 * Class probabilities of a text under a model, computed while its features are visited:
 * the same numbers as {@link predictProbabilities} over `extractFeatures`, without the vector.
 */
export function predictText(model: ScoringModel, tokenized: TokenizedText, rules: RuleAnalysis): TextPrediction {
  const sums = accumulatorFor(model);
  const tokenCount = tokenized.tokens.length;
  sums.reset(tokenCount);
  const counts = visitFeatures(tokenized, rules, sums);
  sums.addBigrams();
  const wordValue = blockValue(counts.words);
  const charValue = blockValue(counts.chars);
  const { bias, step } = model;
  const z0 = (bias[0] ?? 0) + step * (sums.dense0 + wordValue * sums.word0 + charValue * sums.char0);
  const z1 = (bias[1] ?? 0) + step * (sums.dense1 + wordValue * sums.word1 + charValue * sums.char1);
  const z2 = (bias[2] ?? 0) + step * (sums.dense2 + wordValue * sums.word2 + charValue * sums.char2);
  const top = Math.max(z0, z1, z2);
  const e0 = Math.exp(z0 - top);
  const e1 = Math.exp(z1 - top);
  const e2 = Math.exp(z2 - top);
  const total = e0 + e1 + e2;
  const probabilities = [e0 / total, e1 / total, e2 / total];
  return {
    probabilities,
    denseValues: sums.denseValues,
    tokenCount,
    tokenSums: sums.tokenSums,
    wordValue,
    charValue,
  };
}

/** How much a weight row pushes `label` above the mean of the other classes. */
function towards(weights: ArrayLike<number>, offset: number, label: number): number {
  let others = 0;
  for (let c = 0; c < CLASS_COUNT; c++) if (c !== label) others += weights[offset + c] ?? 0;
  return (weights[offset + label] ?? 0) - others / (CLASS_COUNT - 1);
}

/**
 * What pushed a verdict toward a label, in logit units above the other classes' mean; scratch
 * space, valid until the next {@link explainPrediction}.
 */
export interface Contributions {
  /** Per token index (the first `tokenCount` numbers): its unigram, its character n-grams and half of each bigram it is in. */
  readonly tokens: Float64Array;
  readonly tokenCount: number;
  /** Per dense slot. */
  readonly dense: Float64Array;
}

let explanationRoom = new Float64Array(64);
const denseExplanation = new Float64Array(DENSE_FEATURES);

/**
 * Splits the logit margin of `label` (its logit minus the mean of the others, bias aside) over
 * the tokens and dense features that produced it: the contributions sum to that margin.
 */
export function explainPrediction(model: ScoringModel, prediction: TextPrediction, label: number): Contributions {
  const { tokenSums, denseValues, tokenCount } = prediction;
  const wordValue = prediction.wordValue * model.step;
  const charValue = prediction.charValue * model.step;
  if (explanationRoom.length < tokenCount)
    explanationRoom = new Float64Array(Math.max(tokenCount, 2 * explanationRoom.length));
  const tokens = explanationRoom;
  for (let token = 0; token < tokenCount; token++) {
    const at = token * TOKEN_STRIDE;
    tokens[token] = wordValue * towards(tokenSums, at, label) + charValue * towards(tokenSums, at + CLASS_COUNT, label);
  }
  const dense = denseExplanation;
  dense.fill(0);
  for (let slot = 0; slot < DENSE_FEATURES; slot++) {
    const value = denseValues[slot] ?? 0;
    if (value !== 0) dense[slot] = value * model.step * towards(model.weights, slot * CLASS_COUNT, label);
  }
  return { tokens, tokenCount, dense };
}

/** Rounds a model's weights into its shipped form, dropping buckets below half a unit. */
export function serializeLinearModel(model: LinearModel, scale: number): SerializedLanguageModel {
  const bucketDeltas: number[] = [];
  const weights: number[] = [];
  let previous = 0;
  for (let bucket = 0; bucket < FEATURE_BUCKETS; bucket++) {
    const offset = bucket * CLASS_COUNT;
    const rounded = [0, 1, 2].map((c) => Math.round((model.weights[offset + c] ?? 0) * scale));
    if (rounded.every((w) => w === 0)) continue;
    bucketDeltas.push(bucket - previous);
    previous = bucket;
    weights.push(...rounded);
  }
  return { bias: [...model.bias].map((b) => Math.round(b * scale) / scale), bucketDeltas, weights };
}

function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'number' && Number.isFinite(item));
}

function isSerializedLanguage(value: unknown): value is SerializedLanguageModel {
  if (typeof value !== 'object' || value === null) return false;
  const { bias, bucketDeltas, weights } = value as Record<string, unknown>;
  return (
    isNumberArray(bias) &&
    bias.length === CLASS_COUNT &&
    isNumberArray(bucketDeltas) &&
    isNumberArray(weights) &&
    weights.length === bucketDeltas.length * CLASS_COUNT
  );
}

/**
 * Expands a shipped model into dense weights. Throws when the file does not match the
 * feature extraction of this build, since scoring with it would be silently wrong.
 */
export function deserializeSentimentModel(file: unknown): SentimentModel {
  const header = (typeof file === 'object' && file !== null ? file : {}) as Record<string, unknown>;
  if (
    header.format !== 'tocsin-sentiment-linear' ||
    header.featureVersion !== FEATURE_VERSION ||
    header.buckets !== FEATURE_BUCKETS
  ) {
    throw new Error(
      `sentiment model: expected format tocsin-sentiment-linear, feature version ${FEATURE_VERSION}, ${FEATURE_BUCKETS} buckets`,
    );
  }
  const scale = typeof header.scale === 'number' && header.scale > 0 ? header.scale : 1;
  const languages = (
    typeof header.languages === 'object' && header.languages !== null ? header.languages : {}
  ) as Record<string, unknown>;
  const model: Partial<Record<SupportedLanguage, ScoringModel>> = {};
  for (const lang of SUPPORTED_LANGUAGES) {
    const serialized = languages[lang];
    if (serialized === undefined) continue;
    if (!isSerializedLanguage(serialized)) throw new Error(`sentiment model: malformed weights for "${lang}"`);
    const weights = new Int16Array(FEATURE_BUCKETS * CLASS_COUNT);
    let bucket = 0;
    serialized.bucketDeltas.forEach((delta, i) => {
      bucket += delta;
      for (let c = 0; c < CLASS_COUNT; c++) {
        const weight = serialized.weights[i * CLASS_COUNT + c] ?? 0;
        if (!Number.isInteger(weight) || Math.abs(weight) > INT16_MAX || bucket >= FEATURE_BUCKETS)
          throw new Error(
            `sentiment model: weight ${weight} of bucket ${bucket} in "${lang}" is not a 16-bit integer in range`,
          );
        weights[bucket * CLASS_COUNT + c] = weight;
      }
    });
    model[lang] = { bias: Float64Array.from(serialized.bias), weights, step: 1 / scale };
  }
  return model;
}

/** A trained model as scoring reads it, rounded to `scale` steps the way the shipped file is. */
export function quantizeLinearModel(model: LinearModel, scale: number): ScoringModel {
  const weights = new Int16Array(model.weights.length);
  model.weights.forEach((weight, i) => {
    weights[i] = Math.max(-INT16_MAX, Math.min(INT16_MAX, Math.round(weight * scale)));
  });
  return { bias: Float64Array.from(model.bias), weights, step: 1 / scale };
}
