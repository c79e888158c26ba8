import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SerializedLanguageModel, SerializedSentimentModel, SupportedLanguage } from '@tocsin/sentiment';
import {
  FEATURE_BUCKETS,
  FEATURE_VERSION,
  SUPPORTED_LANGUAGES,
  featurizeText,
  serializeLinearModel,
} from '@tocsin/sentiment';
import { scoreClassification } from './classification-metrics';
import type { LabelledFeatures, TrainingSettings } from './train-linear-model';
import { assignFolds, predictLabels, predictLogits, pruneRareFeatures, trainLinearModel } from './train-linear-model';
import { DEFAULT_DATA_DIR, readFlag, readUmsabSplit } from './umsab-data';

// Everything that shapes the shipped weights is fixed here, so `npm run train:sentiment`
// rebuilds the same file. The L2 penalty, the epoch count and the class offsets are chosen
// by cross-validation on train only; val is scored once at the end, for the record.
const SEED = 20240601;
const FOLDS = 5;
const L2_GRID = [1e-3, 3e-3, 1e-2, 3e-2, 1e-1];
const EPOCH_GRID = [10, 20];
const LEARNING_RATE = 0.2;
const OFFSET_GRID = [-0.6, -0.5, -0.4, -0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
const MIN_FEATURE_COUNT = 2;
const WEIGHT_SCALE = 1000;
const MODEL_VERSION = 1;

function featurize(lang: SupportedLanguage, texts: readonly string[], labels: readonly number[]): LabelledFeatures[] {
  return texts.map((text, i) => ({ features: featurizeText(text, lang), label: labels[i] ?? 1 }));
}

interface CrossValidation {
  readonly settings: TrainingSettings;
  readonly macroF1: number;
  /** Out-of-fold logits of every train example, for choosing the class offsets. */
  readonly logits: Float64Array[];
}

function crossValidate(examples: readonly LabelledFeatures[], settings: TrainingSettings): CrossValidation {
  const folds = assignFolds(examples.length, FOLDS, SEED);
  const logits: Float64Array[] = new Array<Float64Array>(examples.length);
  let total = 0;
  for (let fold = 0; fold < FOLDS; fold++) {
    const train = pruneRareFeatures(
      examples.filter((_, i) => folds[i] !== fold),
      MIN_FEATURE_COUNT,
    );
    const heldIndices = examples.map((_, i) => i).filter((i) => folds[i] === fold);
    const held = heldIndices.map((i) => examples[i] as LabelledFeatures);
    const model = trainLinearModel(train, settings);
    total += scoreClassification(
      held.map((e) => e.label),
      predictLabels(model, held),
    ).macroF1;
    predictLogits(model, held).forEach((z, j) => (logits[heldIndices[j] ?? 0] = z));
  }
  return { settings, macroF1: total / FOLDS, logits };
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < values.length; c++) if ((values[c] ?? 0) > (values[best] ?? 0)) best = c;
  return best;
}

/**
 * Additive offsets for the negative and positive logits that maximise macro-F1 of the
 * out-of-fold predictions: logistic loss fits probabilities, the metric wants balanced recall.
 */
function chooseClassOffsets(validation: CrossValidation, labels: readonly number[]): [number, number, number] {
  let best: { offsets: [number, number, number]; f1: number } = { offsets: [0, 0, 0], f1: -1 };
  for (const negative of OFFSET_GRID) {
    for (const positive of OFFSET_GRID) {
      const predicted = validation.logits.map((z) =>
        argmax([(z[0] ?? 0) + negative, z[1] ?? 0, (z[2] ?? 0) + positive]),
      );
      const f1 = scoreClassification(labels, predicted).macroF1;
      // Ties go to the smaller shift: no evidence, no change.
      if (f1 > best.f1 + 1e-9) best = { offsets: [negative, 0, positive], f1 };
    }
  }
  return best.offsets;
}

function trainLanguage(dataDir: string, lang: SupportedLanguage): SerializedLanguageModel {
  const train = readUmsabSplit(dataDir, lang, 'train');
  const examples = featurize(lang, train.texts, train.labels);
  let best: CrossValidation | undefined;
  for (const l2 of L2_GRID) {
    for (const epochs of EPOCH_GRID) {
      const validation = crossValidate(examples, { l2, epochs, learningRate: LEARNING_RATE, seed: SEED });
      process.stderr.write(
        `${lang}: l2=${l2.toExponential(0)} epochs=${epochs} ${FOLDS}-fold CV macro-F1 on train ${validation.macroF1.toFixed(4)}\n`,
      );
      if (best === undefined || validation.macroF1 > best.macroF1) best = validation;
    }
  }
  if (best === undefined) throw new Error('empty hyper-parameter grid');
  const offsets = chooseClassOffsets(best, train.labels);
  const model = trainLinearModel(pruneRareFeatures(examples, MIN_FEATURE_COUNT), best.settings);
  offsets.forEach((offset, c) => (model.bias[c] = (model.bias[c] ?? 0) + offset));
  const val = readUmsabSplit(dataDir, lang, 'val');
  const report = scoreClassification(val.labels, predictLabels(model, featurize(lang, val.texts, val.labels)));
  process.stderr.write(
    `${lang}: chose l2=${best.settings.l2.toExponential(0)} epochs=${best.settings.epochs} offsets=${offsets.join('/')}; ` +
      `val macro-F1 ${report.macroF1.toFixed(4)} (reported once, not used to choose)\n`,
  );
  return serializeLinearModel(model, WEIGHT_SCALE);
}

function main(argv: readonly string[]): void {
  const dataDir = resolve(readFlag(argv, 'data', DEFAULT_DATA_DIR));
  const out = resolve(
    readFlag(
      argv,
      'out',
      resolve(__dirname, '..', '..', 'libs', 'sentiment', 'src', 'model', 'sentiment-model.v1.json'),
    ),
  );
  const languages: Partial<Record<SupportedLanguage, SerializedLanguageModel>> = {};
  for (const lang of SUPPORTED_LANGUAGES) languages[lang] = trainLanguage(dataDir, lang);
  const file: SerializedSentimentModel = {
    format: 'tocsin-sentiment-linear',
    version: MODEL_VERSION,
    featureVersion: FEATURE_VERSION,
    buckets: FEATURE_BUCKETS,
    scale: WEIGHT_SCALE,
    languages,
  };
  writeFileSync(out, `${JSON.stringify(file)}\n`);
  process.stderr.write(`wrote ${out}\n`);
}

main(process.argv.slice(2));
