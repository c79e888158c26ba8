import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

const MODEL_DIR = resolve(__dirname, '..', '..', 'libs', 'sentiment', 'src', 'model');

/** The shipped weights, loaded by `@tocsin/sentiment`. */
export const MODEL_FILE = resolve(MODEL_DIR, 'sentiment-model.v2.json');

/** What the shipped model was trained on and how it scored in cross-validation, beside it. */
export const TRAINING_RECORD_FILE = resolve(MODEL_DIR, 'sentiment-model.v2.training.json');

const domainFiguresSchema = z.object({ source: z.string(), macroF1: z.number() }).strict();
export type DomainFigures = z.infer<typeof domainFiguresSchema>;

const languageTrainingRecordSchema = z
  .object({
    sources: z.array(
      z.object({ id: z.string(), provenance: z.string(), tweets: z.number().int(), weight: z.number() }).strict(),
    ),
    settings: z
      .object({
        l2: z.number(),
        epochs: z.number().int(),
        learningRate: z.number(),
        folds: z.number().int(),
        minFeatureCount: z.number().int(),
        /** First epoch averaged into the weights (absent: the last epoch's weights). */
        averageFrom: z.number().int().optional(),
        offsets: z.array(z.number()),
      })
      .strict(),
    /** Out-of-fold macro-F1 per source, after the class offsets. */
    crossValidated: z.array(domainFiguresSchema),
    umsabValMacroF1: z.number(),
  })
  .strict();
export type LanguageTrainingRecord = z.infer<typeof languageTrainingRecordSchema>;

export const trainingRecordSchema = z
  .object({
    modelVersion: z.number().int(),
    seed: z.number().int(),
    languages: z.object({ fr: languageTrainingRecordSchema, en: languageTrainingRecordSchema }).partial().strict(),
  })
  .strict();
export type TrainingRecord = z.infer<typeof trainingRecordSchema>;

/** Reads the training record shipped beside the model; throws naming the file when it is malformed. */
export function readTrainingRecord(path = TRAINING_RECORD_FILE): TrainingRecord {
  const parsed = trainingRecordSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  return parsed.data;
}
