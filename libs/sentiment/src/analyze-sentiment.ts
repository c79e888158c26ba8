import type { Sentiment, SentimentLabel } from '@tocsin/domain';
import { SENTIMENT_LABELS } from '@tocsin/domain';
import { words as englishStopwords } from 'natural/lib/natural/util/stopwords';
import { words as frenchStopwords } from 'natural/lib/natural/util/stopwords_fr';
import modelFile from './model/sentiment-model.v2.json';
import type { DetectedLanguage } from './language-detection';
import { collectLanguageEvidence, decideLanguage, guessLanguage, parseLanguageHint } from './language-detection';
import type { ScoringModel, TextPrediction } from './linear-model';
import { deserializeSentimentModel, explainPrediction, predictText } from './linear-model';
import type { PolarityLexicon } from './polarity-lexicon';
import { getPolarityLexicon } from './polarity-lexicon';
import type { PolarityHit, RuleAnalysis } from './polarity-rules';
import { applyPolarityRules } from './polarity-rules';
import type { NeutralForm } from './neutral-forms';
import { detectNeutralForm } from './neutral-forms';
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
// A cue must have moved the label's logit by this much over the other classes' mean.
const MIN_CUE_PUSH = 0.3;
// A question or a service reply keeps a polar label only on this much certainty or a strong cue.
const OPINION_CERTAINTY = 0.8;
const STRONG_WORD_WEIGHT = 0.6;
// A verdict from the form alone: the model's probabilities say nothing about how sure it is.
const FORM_CONFIDENCE = 0.6;
// Function words get weight from correlations in the data, but explain nothing to a CM.
const UNEXPLAINING_WORDS: ReadonlySet<string> = new Set(
  [...frenchStopwords, ...englishStopwords, ...NEGATORS.fr, ...NEGATORS.en].map(foldWord),
);
let loadedModel: Readonly<Record<SupportedLanguage, ScoringModel>> | undefined;

// Deserialized on first use, so importing the library costs only the JSON parse.
function getModel(lang: SupportedLanguage): ScoringModel {
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
  /** What the model weighed, to explain its verdict. */
  readonly prediction: TextPrediction;
  readonly model: ScoringModel;
}

function scoreInLanguage(tokenized: TokenizedText, lang: SupportedLanguage, lexicon: PolarityLexicon): LanguagePass {
  const rules = applyPolarityRules(tokenized.tokens, lang, lexicon);
  const model = getModel(lang);
  const prediction = predictText(model, tokenized, rules);
  return { lang, rules, probabilities: prediction.probabilities, prediction, model };
}

function pickLabel(probabilities: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < probabilities.length; c++) if ((probabilities[c] ?? 0) > (probabilities[best] ?? 0)) best = c;
  return best;
}

// Dense features computed from the polarity lexicons: their push belongs to the words that hit.
const LEXICON_SLOTS: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 17, 18];
const EXCLAMATION_SLOT = 8;

/**
 * The reasons the model had for the label: each word's own push toward it (its unigram, its
 * character n-grams, half of its bigrams), plus, for lexicon words pointing the same way, their
 * share of the lexicon features' push. Only what pushed toward the label by at least
 * {@link MIN_CUE_PUSH} logits is shown, strongest first; a word the model gave no weight never is.
 */
function collectCues(pass: LanguagePass, tokenized: TokenizedText, labelIndex: number): string[] {
  const { tokens: pushes, tokenCount, dense } = explainPrediction(pass.model, pass.prediction, labelIndex);
  const { hits } = pass.rules;
  const label = SENTIMENT_LABELS[labelIndex];
  if (label !== 'neutral' && hits.length > 0) {
    const direction = label === 'positive' ? 1 : -1;
    let lexiconPush = 0;
    for (const slot of LEXICON_SLOTS) lexiconPush += dense[slot] ?? 0;
    let strength = 0;
    for (const hit of hits) if (hit.weight * direction > 0) strength += Math.abs(hit.weight);
    if (lexiconPush > 0 && strength > 0) {
      for (const hit of hits)
        if (hit.weight * direction > 0)
          pushes[hit.index] = (pushes[hit.index] ?? 0) + (lexiconPush * Math.abs(hit.weight)) / strength;
    }
  }
  candidateCount = 0;
  for (let index = 0; index < tokenCount; index++) {
    const push = pushes[index] ?? 0;
    const token = tokenized.tokens[index];
    if (push < MIN_CUE_PUSH || token === undefined) continue;
    const hit = hitAt(hits, index);
    if (hit === undefined && token.kind === 'word' && (token.norm.length < 3 || UNEXPLAINING_WORDS.has(token.norm)))
      continue;
    const text = token.source === 'hashtag' ? `#${token.text}` : token.text;
    addCandidate(hit?.cue ?? (pass.rules.negatedTokens[index] === true ? `¬${text}` : text), push);
  }
  const exclamationPush = dense[EXCLAMATION_SLOT] ?? 0;
  if (pass.rules.exclamations >= 2 && exclamationPush >= MIN_CUE_PUSH)
    addCandidate('!'.repeat(Math.min(pass.rules.exclamations, 3)), exclamationPush);
  return pickCues();
}

// The candidate cues of the text being explained, in text order: a few at most, so plain arrays
// reused from text to text, not an object per candidate.
const candidateTexts: string[] = [];
let candidatePushes = new Float64Array(64);
let candidateTaken = new Uint8Array(64);
let candidateCount = 0;

function addCandidate(text: string, push: number): void {
  if (candidateCount === candidatePushes.length) {
    const grown = new Float64Array(2 * candidateCount);
    grown.set(candidatePushes);
    candidatePushes = grown;
    candidateTaken = new Uint8Array(2 * candidateCount);
  }
  candidateTexts[candidateCount] = text;
  candidatePushes[candidateCount] = push;
  candidateCount++;
}

/**
 * The strongest candidates first (the earlier on a tie), at most {@link MAX_CUES}, skipping any
 * that repeats a word already shown: "trop" adds nothing next to "trop bien", whichever pushed more.
 */
function pickCues(): string[] {
  const candidates = candidateCount;
  if (candidates === 0) return [];
  candidateTaken.fill(0, 0, candidates);
  const shown: string[] = [];
  // Words already shown, lower-cased.
  const shownWords: string[] = [];
  while (shown.length < MAX_CUES) {
    let best = -1;
    for (let i = 0; i < candidates; i++)
      if (candidateTaken[i] === 0 && (best < 0 || (candidatePushes[i] ?? 0) > (candidatePushes[best] ?? 0))) best = i;
    if (best < 0) break;
    candidateTaken[best] = 1;
    const text = candidateTexts[best] ?? '';
    const lower = text.toLowerCase();
    const words = text.includes(' ') ? lower.split(' ') : [lower];
    if (words.some((word) => shownWords.includes(word))) continue;
    shown.push(text);
    for (const word of words) shownWords.push(word);
  }
  return shown;
}

/** The lexicon hit on a token, if any; hits are few and in text order. */
function hitAt(hits: readonly PolarityHit[], index: number): PolarityHit | undefined {
  for (const hit of hits) {
    if (hit.index === index) return hit;
    if (hit.index > index) return undefined;
  }
  return undefined;
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
  const form = detectNeutralForm(normalized, tokenized.tokens);

  if (hint !== undefined)
    return decide(tokenized, scoreInLanguage(tokenized, hint, getPolarityLexicon(hint)), hint, form);
  const evidence = collectLanguageEvidence(tokenized.tokens, normalized);
  const detected = decideLanguage(evidence);
  if (detected !== 'und')
    return decide(tokenized, scoreInLanguage(tokenized, detected, getPolarityLexicon(detected)), detected, form);
  if (evidence.fr > 0 && evidence.en > 0 && evidence.foreignShare === 0) {
    // A tweet in both languages: let both lexicons and models speak, equally.
    const fr = scoreInLanguage(tokenized, 'fr', getPolarityLexicon('fr'));
    const en = scoreInLanguage(tokenized, 'en', getPolarityLexicon('en'));
    const probabilities = [0, 1, 2].map((c) => ((fr.probabilities[c] ?? 0) + (en.probabilities[c] ?? 0)) / 2);
    return decide(
      tokenized,
      { ...(Math.abs(fr.rules.total) >= Math.abs(en.rules.total) ? fr : en), probabilities },
      'und',
      form,
    );
  }
  const guess = guessLanguage(evidence);
  return decide(tokenized, scoreInLanguage(tokenized, guess, getPolarityLexicon(guess)), 'und', form);
}

/**
 * Whether a polar verdict on a question or a service reply rests on an opinion: the model is
 * sure, or an emoji or a strong word points the same way. A brand's reply is never a complaint:
 * its "sorry" is the apology, not a grievance.
 */
function carriesOpinion(pass: LanguagePass, labelIndex: number, form: NeutralForm): boolean {
  const label = SENTIMENT_LABELS[labelIndex];
  if (label === 'neutral') return true;
  if (form === 'service reply' && label === 'negative') return false;
  if ((pass.probabilities[labelIndex] ?? 0) >= OPINION_CERTAINTY) return true;
  const direction = label === 'positive' ? 1 : -1;
  return pass.rules.hits.some(
    (hit) => hit.weight * direction >= (hit.kind === 'word' ? STRONG_WORD_WEIGHT : MIN_CUE_WEIGHT),
  );
}

/** Turns a scoring pass into the verdict: argmax label, score, confidence and cues. */
function decide(
  tokenized: TokenizedText,
  pass: LanguagePass,
  detected: DetectedLanguage,
  form: NeutralForm | undefined,
): Sentiment {
  const { probabilities } = pass;
  const labelIndex = pickLabel(probabilities);
  if (form !== undefined && !carriesOpinion(pass, labelIndex, form)) {
    // The form is the reason: say so, rather than list words the verdict no longer rests on.
    const confidence = detected === 'und' ? FORM_CONFIDENCE * UNDETERMINED_CONFIDENCE_FACTOR : FORM_CONFIDENCE;
    return { lang: detected, label: 'neutral', score: 0, confidence, cues: [form] };
  }
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
