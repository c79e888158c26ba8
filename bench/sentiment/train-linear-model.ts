import { mulberry32 } from '@tocsin/domain';
import type { FeatureVector, LinearModel } from '@tocsin/sentiment';
import { CLASS_COUNT, FEATURE_BUCKETS, createLinearModel, predictProbabilities } from '@tocsin/sentiment';

/** Settings of one training run; everything that changes the weights is here. */
export interface TrainingSettings {
  /** L2 penalty per update on the weights an example touches. */
  readonly l2: number;
  readonly epochs: number;
  /** AdaGrad base step. */
  readonly learningRate: number;
  /** Seed of the shuffling order, so a run is reproducible bit for bit. */
  readonly seed: number;
  /**
   * When set, the model is the mean of the weights at the end of each epoch from this one
   * (counted from 1) to the last: the noise of the last SGD steps averages out.
   */
  readonly averageFrom?: number;
}

export interface LabelledFeatures {
  readonly features: FeatureVector;
  readonly label: number;
  /** How much the example counts in the loss (1 when absent): weak labels count less. */
  readonly weight?: number;
}

/** The same features in typed arrays: a hundred thousand tweets of arrays of numbers would not fit. */
export function compactFeatures(features: FeatureVector): FeatureVector {
  return { indices: Int32Array.from(features.indices), values: Float32Array.from(features.values) };
}

/** Fisher–Yates over a copy, driven by the given generator. */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = copy[i] as T;
    copy[i] = copy[j] as T;
    copy[j] = a;
  }
  return copy;
}

/**
 * Keeps only the buckets present in at least `minCount` examples: a feature seen once
 * is memorised, not learned.
 */
export function pruneRareFeatures(examples: readonly LabelledFeatures[], minCount: number): LabelledFeatures[] {
  const counts = new Uint32Array(FEATURE_BUCKETS);
  // The last example that counted a bucket, so a bucket repeated in a text counts once.
  const lastSeen = new Int32Array(FEATURE_BUCKETS).fill(-1);
  examples.forEach(({ features }, e) => {
    for (let i = 0; i < features.indices.length; i++) {
      const bucket = features.indices[i] ?? 0;
      if (lastSeen[bucket] === e) continue;
      lastSeen[bucket] = e;
      counts[bucket] = (counts[bucket] ?? 0) + 1;
    }
  });
  return examples.map((example) => {
    const { features } = example;
    const indices: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < features.indices.length; i++) {
      const bucket = features.indices[i] ?? 0;
      if ((counts[bucket] ?? 0) >= minCount) {
        indices.push(bucket);
        values.push(features.values[i] ?? 0);
      }
    }
    return { ...example, features: compactFeatures({ indices, values }) };
  });
}

/**
 * Trains a multinomial logistic regression by AdaGrad SGD over shuffled epochs, with an L2
 * penalty applied to the weights each example touches and each example's loss scaled by its
 * weight, averaging the last epochs' weights when asked. Deterministic for given settings.
 */
export function trainLinearModel(examples: readonly LabelledFeatures[], settings: TrainingSettings): LinearModel {
  const model = createLinearModel();
  const squaredGradients = new Float32Array(model.weights.length);
  const biasSquared = new Float64Array(CLASS_COUNT);
  const random = mulberry32(settings.seed);
  const probabilities = new Float64Array(CLASS_COUNT);
  const gradient = new Float64Array(CLASS_COUNT);
  const { averageFrom } = settings;
  if (averageFrom !== undefined && (!Number.isInteger(averageFrom) || averageFrom < 1 || averageFrom > settings.epochs))
    throw new Error(`averageFrom must be an epoch from 1 to ${settings.epochs}, got ${averageFrom}`);
  const averaged =
    averageFrom === undefined
      ? undefined
      : { weights: new Float64Array(model.weights.length), bias: new Float64Array(CLASS_COUNT), epochs: 0 };
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    for (const { features, label, weight = 1 } of shuffle(examples, random)) {
      predictProbabilities(model, features, probabilities);
      for (let c = 0; c < CLASS_COUNT; c++) {
        gradient[c] = weight * ((probabilities[c] ?? 0) - (c === label ? 1 : 0));
        const g = gradient[c] ?? 0;
        biasSquared[c] = (biasSquared[c] ?? 0) + g * g;
        model.bias[c] = (model.bias[c] ?? 0) - (settings.learningRate * g) / Math.sqrt((biasSquared[c] ?? 0) + 1e-8);
      }
      const { indices, values } = features;
      for (let i = 0; i < indices.length; i++) {
        const offset = (indices[i] ?? 0) * CLASS_COUNT;
        const value = values[i] ?? 0;
        for (let c = 0; c < CLASS_COUNT; c++) {
          const at = offset + c;
          const weight = model.weights[at] ?? 0;
          const g = (gradient[c] ?? 0) * value + settings.l2 * weight;
          const accumulated = (squaredGradients[at] ?? 0) + g * g;
          squaredGradients[at] = accumulated;
          model.weights[at] = weight - (settings.learningRate * g) / Math.sqrt(accumulated + 1e-8);
        }
      }
    }
    if (averaged !== undefined && epoch + 1 >= (averageFrom ?? 1)) {
      for (let i = 0; i < model.weights.length; i++)
        averaged.weights[i] = (averaged.weights[i] ?? 0) + (model.weights[i] ?? 0);
      for (let c = 0; c < CLASS_COUNT; c++) averaged.bias[c] = (averaged.bias[c] ?? 0) + (model.bias[c] ?? 0);
      averaged.epochs++;
    }
  }
  if (averaged !== undefined) {
    for (let i = 0; i < model.weights.length; i++) model.weights[i] = (averaged.weights[i] ?? 0) / averaged.epochs;
    for (let c = 0; c < CLASS_COUNT; c++) model.bias[c] = (averaged.bias[c] ?? 0) / averaged.epochs;
  }
  return model;
}

/** Class logits of each example under a model (log-probabilities up to a constant). */
export function predictLogits(model: LinearModel, examples: readonly LabelledFeatures[]): Float64Array[] {
  return examples.map(({ features }) => {
    const probabilities = predictProbabilities(model, features);
    return probabilities.map((p) => Math.log(Math.max(p, 1e-12)));
  });
}

/** Argmax class of each example under a model. */
export function predictLabels(model: LinearModel, examples: readonly LabelledFeatures[]): number[] {
  const probabilities = new Float64Array(CLASS_COUNT);
  return examples.map(({ features }) => {
    predictProbabilities(model, features, probabilities);
    let best = 0;
    for (let c = 1; c < CLASS_COUNT; c++) if ((probabilities[c] ?? 0) > (probabilities[best] ?? 0)) best = c;
    return best;
  });
}

/** Splits indices 0..n-1 into `folds` interleaved folds after a seeded shuffle. */
export function assignFolds(count: number, folds: number, seed: number): number[] {
  const order = shuffle(
    Array.from({ length: count }, (_, i) => i),
    mulberry32(seed),
  );
  const fold = new Array<number>(count).fill(0);
  order.forEach((index, position) => (fold[index] = position % folds));
  return fold;
}
