import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SupportedLanguage } from '@tocsin/sentiment';
import type { LabelledSplit } from './umsab-data';
import { readUmsabSplit } from './umsab-data';

/**
 * A labelled source the model may train on. Cross-validation tries each of its `weights` (0
 * leaves it out) and keeps the combination with the best mean out-of-fold macro-F1 over the
 * `selects` sources; every `reported` source (human labels, three classes) gets its own figure,
 * even when left out of training, so what a source costs another stays visible.
 */
export interface TrainingSource {
  readonly id: string;
  readonly lang: SupportedLanguage;
  /** File prefix in `sentiment-extra/`, or undefined for UMSAB train. */
  readonly extraPrefix?: string;
  readonly weights: readonly number[];
  readonly selects: boolean;
  readonly reported: boolean;
  readonly provenance: string;
}

const TARGET = { weights: [1], selects: true, reported: true } as const;

export const TRAINING_SOURCES: readonly TrainingSource[] = [
  {
    id: 'umsab',
    lang: 'en',
    ...TARGET,
    provenance: 'UMSAB English train (cardiffnlp/xlm-t, data/sentiment/english)',
  },
  {
    id: 'semeval',
    lang: 'en',
    extraPrefix: 'en_semeval2013-2016',
    ...TARGET,
    provenance: 'SemEval 2013–2016 Task 4A (cbaziotis/datastories-semeval2017-task4 @ faeee5fd)',
  },
  {
    id: 'airline',
    lang: 'en',
    extraPrefix: 'en_airline',
    ...TARGET,
    provenance: 'US airline customer-service tweets (AyushDhatwalia/Twitter-Airline-Sentiment @ 97f2cfe6)',
  },
  {
    id: 'kaggle',
    lang: 'en',
    extraPrefix: 'en_tweet-sentiment-extraction',
    ...TARGET,
    provenance: 'Kaggle tweet-sentiment-extraction (spence998/Tweet-Sentiment-Predictor @ 16cc7c7d)',
  },
  {
    id: 'umsab',
    lang: 'fr',
    ...TARGET,
    provenance: 'UMSAB French train (cardiffnlp/xlm-t, data/sentiment/french)',
  },
  {
    id: 'deft',
    lang: 'fr',
    extraPrefix: 'fr_deft2017',
    // Left out, UMSAB gains 0.02 out of fold and DEFT loses 0.26, the demo wall 6 of 102:
    // the selection weighs every human-labelled source, not the benchmark's alone.
    ...TARGET,
    provenance: 'DEFT 2017 task 1 (nalfein84/detectiondesentimentdanslestweets @ 7afdffaa), CeCILL',
  },
  {
    id: 's140-fr',
    lang: 'fr',
    extraPrefix: 'fr_sentiment140-translated-20k',
    // Machine translation and emoticon labels, two classes: weak, and no figure worth reporting.
    // At weights 0.05 to 0.3 it cost 0.01 to 0.03 of mean out-of-fold macro-F1 under every L2
    // penalty, learning rate and rare-feature cut tried: it stays out, and out of the grid.
    weights: [0],
    selects: false,
    reported: false,
    provenance:
      'Sentiment140 machine-translated to French (faruk56-arch/sentiment-analysis_machine_learning @ 9668f2b1)',
  },
];

const HANDLE = /(^|[^\p{L}\p{N}_])@\w+/gu;
const URL = /\b(?:https?:\/\/|www\.)\S+/gu;

/** Writes handles as `@user` and URLs as `http`, the way UMSAB's tweets come. */
export function maskTweet(text: string): string {
  return text.replace(URL, 'http').replace(HANDLE, '$1@user');
}

function readLines(path: string): string[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Reads `sentiment-extra/<prefix>_{text,labels}.txt`, masked, and checks that the files agree. */
export function readExtraSource(dataDir: string, prefix: string): LabelledSplit {
  const folder = join(dataDir, 'sentiment-extra');
  const texts = readLines(join(folder, `${prefix}_text.txt`)).map(maskTweet);
  const labels = readLines(join(folder, `${prefix}_labels.txt`)).map((line, index) => {
    const label = Number(line.trim());
    if (label !== 0 && label !== 1 && label !== 2)
      throw new Error(`${folder}/${prefix}_labels.txt:${index + 1}: expected 0, 1 or 2, got "${line}"`);
    return label;
  });
  if (texts.length !== labels.length)
    throw new Error(
      `${folder}: ${prefix}_text.txt has ${texts.length} lines but ${prefix}_labels.txt has ${labels.length}`,
    );
  return { texts, labels };
}

/** The texts and labels of one training source (UMSAB train for the `umsab` ones). */
export function readTrainingSource(dataDir: string, source: TrainingSource): LabelledSplit {
  return source.extraPrefix === undefined
    ? readUmsabSplit(dataDir, source.lang, 'train')
    : readExtraSource(dataDir, source.extraPrefix);
}
