import type { Sentiment, SentimentLabel } from '@tocsin/domain';
import { SENTIMENT_LABELS } from '@tocsin/domain';
import { words as englishStopwords } from 'natural/lib/natural/util/stopwords';
import { words as frenchStopwords } from 'natural/lib/natural/util/stopwords_fr';
import modelFile from './model/sentiment-model.v1.json';
import type { DetectedLanguage } from './language-detection';
import { collectLanguageEvidence, decideLanguage, guessLanguage, parseLanguageHint } from './language-detection';
import type { LinearModel } from './linear-model';
import { CLASS_COUNT, deserializeSentimentModel, predictText } from './linear-model';
import type { PolarityLexicon } from './polarity-lexicon';
import { getPolarityLexicon } from './polarity-lexicon';
import type { PolarityHit, RuleAnalysis } from './polarity-rules';
import { applyPolarityRules } from './polarity-rules';
import type { FeatureVector } from './sentiment-features';
import { extractFeatures } from './sentiment-features';
import type { SupportedLanguage } from './social-lexicon';
import { NEGATORS, SUPPORTED_LANGUAGES } from './social-lexicon';
import type { TokenizedText } from './social-tokenizer';
import { foldWord, normalizeText, tokenizeSocial } from './social-tokenizer';

export interface AnalyzeOptions {
  /** Language hint from the source (BCP-47); overrides detection when it is fr or en. */
  readonly lang?: string;
}

// Below this share of letters, digits and emoji the text is junk, not language.
const MIN_LETTER_SHARE = 0.5;
// An undetermined language halves how sure we claim to be: the lexicons may not apply.
const UNDETERMINED_CONFIDENCE_FACTOR = 0.5;
const MAX_CUES = 6;
const MIN_CUE_WEIGHT = 0.1;
const MIN_MODEL_CUE_MARGIN = 0.3;
// Function words get weight from correlations in the data, but explain nothing to a CM.
const UNEXPLAINING_WORDS: ReadonlySet<string> = new Set(
  [...frenchStopwords, ...englishStopwords, ...NEGATORS.fr, ...NEGATORS.en].map(foldWord),
);
let loadedModel: Readonly<Record<SupportedLanguage, LinearModel>> | undefined;

// Deserialized on first use, so importing the library costs only the JSON parse.
function getModel(lang: SupportedLanguage): LinearModel {
  if (loadedModel === undefined) {
    const { fr, en } = deserializeSentimentModel(modelFile);
    if (fr === undefined || en === undefined) throw new Error('sentiment model: expected weights for fr and en');
    loadedModel = { fr, en };
  }
  return loadedModel[lang];
}

const bothVocabularies = (norm: string): boolean =>
  getPolarityLexicon('fr').isKnown(norm) || getPolarityLexicon('en').isKnown(norm);

function neutralUnknown(lang: DetectedLanguage | SupportedLanguage): Sentiment {
  return { lang, label: 'neutral', score: 0, confidence: 0, cues: [] };
}

interface LanguagePass {
  readonly lang: SupportedLanguage;
  readonly rules: RuleAnalysis;
  readonly probabilities: ArrayLike<number>;
  /** Flat (bucket, token) pairs of the word unigrams the model weighed. */
  readonly unigrams: readonly number[];
  readonly model: LinearModel;
}

function scoreInLanguage(tokenized: TokenizedText, lang: SupportedLanguage, lexicon: PolarityLexicon): LanguagePass {
  const rules = applyPolarityRules(tokenized.tokens, lang, lexicon);
  const model = getModel(lang);
  const { probabilities, unigrams } = predictText(model, tokenized, rules);
  return { lang, rules, probabilities, unigrams, model };
}

function pickLabel(probabilities: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < probabilities.length; c++) if ((probabilities[c] ?? 0) > (probabilities[best] ?? 0)) best = c;
  return best;
}

function byStrength(a: PolarityHit, b: PolarityHit): number {
  return Math.abs(b.weight) - Math.abs(a.weight);
}

interface ModelCue {
  readonly token: number;
  readonly margin: number;
}

function byMargin(a: ModelCue, b: ModelCue): number {
  return b.margin - a.margin;
}

/** Adds a cue unless it is already there or the list is full; cues are few, so a scan beats a Set. */
function addCue(cues: string[], cue: string): void {
  if (cues.length < MAX_CUES && !cues.includes(cue)) cues.push(cue);
}

function collectCues(pass: LanguagePass, tokenized: TokenizedText, labelIndex: number): string[] {
  const label = SENTIMENT_LABELS[labelIndex];
  const cues: string[] = [];
  if (label !== 'neutral') {
    const direction = label === 'positive' ? 1 : -1;
    const hits = pass.rules.hits.filter((hit) => hit.weight * direction >= MIN_CUE_WEIGHT).sort(byStrength);
    for (const hit of hits) addCue(cues, hit.cue);
    if (pass.rules.exclamations >= 2) addCue(cues, '!'.repeat(Math.min(pass.rules.exclamations, 3)));
  }
  if (cues.length >= MAX_CUES) return cues;
  const { model, unigrams } = pass;
  // Words the model learned for this label, strongest first, that the lexicons did not flag.
  const scored: ModelCue[] = [];
  for (let i = 0; i + 1 < unigrams.length; i += 2) {
    const offset = (unigrams[i] ?? 0) * CLASS_COUNT;
    const own = model.weights[offset + labelIndex] ?? 0;
    let others = 0;
    for (let c = 0; c < CLASS_COUNT; c++) if (c !== labelIndex) others += model.weights[offset + c] ?? 0;
    const margin = own - others / (CLASS_COUNT - 1);
    if (margin >= MIN_MODEL_CUE_MARGIN) scored.push({ token: unigrams[i + 1] ?? 0, margin });
  }
  scored.sort(byMargin);
  for (const { token } of scored) {
    if (cues.length >= MAX_CUES) break;
    const found = tokenized.tokens[token];
    if (found === undefined || UNEXPLAINING_WORDS.has(found.norm) || (found.kind === 'word' && found.norm.length < 3))
      continue;
    const negated = pass.rules.negatedTokens[token] === true;
    const text = found.source === 'hashtag' ? `#${found.text}` : found.text;
    if (!cues.some((cue) => cue.endsWith(text))) addCue(cues, negated ? `¬${text}` : text);
  }
  return cues;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/**
 * Loads the model and builds both lexicons now (about 0.2 s) rather than on the first
 * mentions, e.g. at service start; throws if the shipped model does not fit this build.
 */
export function prepareSentiment(): void {
  getModel('fr');
  for (const lang of SUPPORTED_LANGUAGES) getPolarityLexicon(lang);
}

/**
 * Features of a text as the model sees them when scored in a given language; the trainer
 * uses this so that training and scoring can never drift apart.
 */
export function featurizeText(text: string, lang: SupportedLanguage): FeatureVector {
  const tokenized = tokenizeSocial(normalizeText(text), bothVocabularies);
  return extractFeatures(tokenized, applyPolarityRules(tokenized.tokens, lang, getPolarityLexicon(lang)));
}

function scoreSentiment(text: string, options: AnalyzeOptions): Sentiment {
  const hint = parseLanguageHint(options.lang);
  if (typeof text !== 'string') return neutralUnknown(hint ?? 'und');
  const normalized = normalizeText(text);
  const tokenized = tokenizeSocial(normalized, bothVocabularies);
  const scorable = tokenized.tokens.some((token) => token.kind !== 'punct');
  if (!scorable || tokenized.letterShare < MIN_LETTER_SHARE) return neutralUnknown(hint ?? 'und');

  if (hint !== undefined) return decide(tokenized, scoreInLanguage(tokenized, hint, getPolarityLexicon(hint)), hint);
  const evidence = collectLanguageEvidence(tokenized.tokens, normalized);
  const detected = decideLanguage(evidence);
  if (detected !== 'und')
    return decide(tokenized, scoreInLanguage(tokenized, detected, getPolarityLexicon(detected)), detected);
  if (evidence.fr > 0 && evidence.en > 0 && evidence.foreignShare === 0) {
    // A tweet in both languages: let both lexicons and models speak, equally.
    const fr = scoreInLanguage(tokenized, 'fr', getPolarityLexicon('fr'));
    const en = scoreInLanguage(tokenized, 'en', getPolarityLexicon('en'));
    const probabilities = [0, 1, 2].map((c) => ((fr.probabilities[c] ?? 0) + (en.probabilities[c] ?? 0)) / 2);
    return decide(
      tokenized,
      { ...(Math.abs(fr.rules.total) >= Math.abs(en.rules.total) ? fr : en), probabilities },
      'und',
    );
  }
  const guess = guessLanguage(evidence);
  return decide(tokenized, scoreInLanguage(tokenized, guess, getPolarityLexicon(guess)), 'und');
}

/** Turns a scoring pass into the verdict: argmax label, score, confidence and cues. */
function decide(tokenized: TokenizedText, pass: LanguagePass, detected: DetectedLanguage): Sentiment {
  const { probabilities } = pass;
  const labelIndex = pickLabel(probabilities);
  const label: SentimentLabel = SENTIMENT_LABELS[labelIndex] ?? 'neutral';
  const certainty = probabilities[labelIndex] ?? 0;
  const confidence = clamp(detected === 'und' ? certainty * UNDETERMINED_CONFIDENCE_FACTOR : certainty, 0, 1);
  const score = clamp((probabilities[2] ?? 0) - (probabilities[0] ?? 0), -1, 1);
  return { lang: detected, label, score, confidence, cues: collectCues(pass, tokenized, labelIndex) };
}

/**
 * Scores the polarity of a social mention in French or English: label, score in [-1, 1]
 * (positive minus negative probability), confidence in [0, 1] (probability of the label,
 * halved when the language is undetermined) and the cues that decided it. Never throws:
 * empty, junk or foreign text comes back neutral with zero confidence.
 */
export function analyzeSentiment(text: string, options: AnalyzeOptions = {}): Sentiment {
  try {
    return scoreSentiment(text, options);
  } catch {
    // Scoring is pure arithmetic over the text, so a failure is a defect; the mention must
    // still flow through the pipeline, so it degrades to "no opinion" instead of throwing.
    return neutralUnknown('und');
  }
}
