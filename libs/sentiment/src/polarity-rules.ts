import { EMOJI_POLARITY, EMOTICON_POLARITY } from './emoji-lexicon';
import type { PolarityLexicon } from './polarity-lexicon';
import type { SupportedLanguage } from './social-lexicon';
import {
  CONTRAST_WEIGHTS,
  CONTRAST_WORDS,
  INTENSIFIERS,
  NE_COMPLETIONS,
  NEGATION_FACTOR,
  NEGATION_SCOPE_WORDS,
  NEGATORS,
} from './social-lexicon';
import type { SocialToken } from './social-tokenizer';

/** One token that moved the polarity, with the rules that shaped its weight. */
export interface PolarityHit {
  readonly index: number;
  readonly kind: 'word' | 'emoji' | 'emoticon';
  /** Prior polarity from the lexicon. */
  readonly prior: number;
  /** Polarity after negation, intensity, emphasis and contrast. */
  readonly weight: number;
  readonly negated: boolean;
  readonly crisis: boolean;
  /** What a community manager reads: "pas content", "très déçu", "😡", "#boycott". */
  readonly cue: string;
}

/** What the rules found in a text; the raw material for the label and the model features. */
export interface RuleAnalysis {
  readonly hits: PolarityHit[];
  /** Per token: inside a negation scope. */
  readonly negatedTokens: boolean[];
  /** Sum of hit weights plus punctuation emphasis, unbounded. */
  readonly total: number;
  /** {@link total} squashed into [-1, 1]. */
  readonly score: number;
  readonly positive: number;
  readonly negative: number;
  readonly negations: number;
  readonly contrast: boolean;
  readonly exclamations: number;
  readonly questions: number;
  readonly capsWords: number;
  readonly elongatedWords: number;
  readonly crisisWords: number;
  readonly words: number;
  /** Per second-opinion lexicon: its polarity sum under the same negation and contrast, squashed. */
  readonly secondary: number[];
}

const CAPS_BOOST = 1.3;
const ELONGATION_BOOST = 1.2;
const EXCLAMATION_STEP = 0.1;
const MAX_COUNTED_EXCLAMATIONS = 4;
const INTENSIFIER_REACH = 2;
// Same squashing as VADER (x / sqrt(x² + α)), with α rescaled to polarities in [-1, 1].
const SQUASH_ALPHA = 1;

/** Squashes an unbounded polarity sum into [-1, 1]. */
export function squashPolarity(total: number): number {
  return total / Math.sqrt(total * total + SQUASH_ALPHA);
}

interface TokenPrior {
  readonly polarity: number;
  readonly crisis: boolean;
}

function symbolPriors(polarities: ReadonlyMap<string, number>): Map<string, TokenPrior> {
  return new Map([...polarities].map(([symbol, polarity]) => [symbol, { polarity, crisis: false }]));
}

const EMOJI_PRIORS = symbolPriors(EMOJI_POLARITY);
const EMOTICON_PRIORS = symbolPriors(EMOTICON_POLARITY);

/** Everything the rules ask about a word in one language, whatever its neighbours. */
export interface WordFacts {
  readonly prior: TokenPrior | undefined;
  readonly contrast: boolean;
  readonly negator: boolean;
  readonly neCompletion: boolean;
  /** De-elongated form is "ne" (opens the French ne…pas scope). */
  readonly ne: boolean;
  /** De-elongated form is "que" (closes it as ne…que). */
  readonly que: boolean;
  readonly intensifier: number | undefined;
  /** Polarity in each second-opinion lexicon, by folded form; undefined when in none. */
  readonly secondary: ReadonlyArray<number | undefined> | undefined;
}

/** The facts of a word token under a lexicon, computed once per cached token and lexicon. */
function wordFactsOf(token: SocialToken, lang: SupportedLanguage, lexicon: PolarityLexicon): WordFacts {
  const { memo } = token;
  if (memo.factsLexicon0 === lexicon && memo.facts0 !== undefined) return memo.facts0;
  if (memo.factsLexicon1 === lexicon && memo.facts1 !== undefined) return memo.facts1;
  const facts = computeWordFacts(token, lang, lexicon);
  // The newest goes first; the other language's facts stay in the second slot.
  memo.factsLexicon1 = memo.factsLexicon0;
  memo.facts1 = memo.facts0;
  memo.factsLexicon0 = lexicon;
  memo.facts0 = facts;
  return facts;
}

function computeWordFacts(token: SocialToken, lang: SupportedLanguage, lexicon: PolarityLexicon): WordFacts {
  const norm = plainNorm(token);
  const found = lexicon.lookup(token);
  const secondary = lexicon.secondary.map((table) => table.get(token.norm));
  return {
    prior: found === undefined || found.polarity === 0 ? undefined : found,
    contrast: CONTRAST_WORDS[lang].has(norm),
    negator: NEGATORS[lang].has(norm),
    neCompletion: NE_COMPLETIONS.has(norm),
    ne: norm === 'ne',
    que: norm === 'que',
    intensifier: INTENSIFIER_FACTORS[lang].get(norm),
    secondary: secondary.some((polarity) => polarity !== undefined) ? secondary : undefined,
  };
}

/** The word with doubled letters undone when it was elongated: "nooo" → "no", "sooo" → "so". */
function plainNorm(token: SocialToken): string {
  return token.elongated ? token.norm.replace(/(\p{L})\1/gu, '$1') : token.norm;
}

function isScopeBreak(token: SocialToken): boolean {
  return token.kind === 'punct' && token.norm !== '"' && token.norm !== '(' && token.norm !== ')';
}

/** Writes the modifiers in text order before the word: "pas très content", "really not good". */
function describeCue(tokens: readonly SocialToken[], index: number, negatorAt: number, modifierAt: number): string {
  const token = tokens[index];
  if (token === undefined) return '';
  const word = token.source === 'hashtag' ? `#${token.text}` : token.text;
  const first = Math.min(negatorAt, modifierAt);
  const second = Math.max(negatorAt, modifierAt);
  let prefix = '';
  if (first >= 0 && first !== second) prefix = `${tokens[first]?.text ?? ''} `;
  if (second >= 0) prefix += `${tokens[second]?.text ?? ''} `;
  return prefix + word;
}

// Object keys looked up per word are faster in a Map than in a dictionary-mode object.
const INTENSIFIER_FACTORS: Readonly<Record<SupportedLanguage, ReadonlyMap<string, number>>> = {
  fr: new Map(Object.entries(INTENSIFIERS.fr)),
  en: new Map(Object.entries(INTENSIFIERS.en)),
};

// Per token of the text being analyzed, its word facts and prior polarity: reused from text to
// text, read only up to the text's length (and two past it, cleared).
const factsScratch: Array<WordFacts | undefined> = [];
const priorsScratch: Array<TokenPrior | undefined> = [];

/**
 * Applies the polarity rules to tokens: lexicon priors, negation scope (French ne…pas/plus/
 * jamais/rien/personne and "pas" alone, English not/n't/never/no), intensifiers and
 * diminishers, capitals and elongation as emphasis, contrast ("mais", "but": what follows
 * weighs more), emoji and emoticons, and exclamation marks.
 */
export function applyPolarityRules(
  tokens: readonly SocialToken[],
  lang: SupportedLanguage,
  lexicon: PolarityLexicon,
): RuleAnalysis {
  const facts = factsScratch;
  const priors = priorsScratch;
  let words = 0;
  let capsWords = 0;
  let secondaryWords = 0;
  let index = 0;
  for (const token of tokens) {
    let wordFacts: WordFacts | undefined;
    let prior: TokenPrior | undefined;
    if (token.kind === 'word') {
      words++;
      if (token.caps) capsWords++;
      wordFacts = wordFactsOf(token, lang, lexicon);
      prior = wordFacts.prior;
      if (wordFacts.secondary !== undefined) secondaryWords++;
    } else if (token.kind === 'emoji') {
      prior = EMOJI_PRIORS.get(token.norm);
    } else if (token.kind === 'emoticon') {
      prior = EMOTICON_PRIORS.get(token.norm);
    }
    facts[index] = wordFacts;
    priors[index] = prior;
    index++;
  }
  // The intensifier rule looks two tokens ahead: past the end there is nothing.
  priors[tokens.length] = undefined;
  priors[tokens.length + 1] = undefined;
  const negatedTokens = new Array<boolean>(tokens.length).fill(false);
  // Capitals are emphasis only when the rest is not shouted too.
  const capsAreEmphasis = capsWords > 0 && capsWords < words;

  const hits: Array<{ -readonly [K in keyof PolarityHit]: PolarityHit[K] }> = [];
  let lastContrast = -1;
  let scopeLeft = 0;
  let neOpen = false;
  let negator: SocialToken | undefined;
  let negatorAt = -1;
  let modifierAt = -1;
  let modifierFactor = 1;
  let modifierLeft = 0;
  let exclamations = 0;
  let questions = 0;
  let negations = 0;
  let elongatedWords = 0;
  let crisisWords = 0;

  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (token === undefined) continue;
    if (token.kind === 'punct') {
      if (token.norm === '!') exclamations += token.repeat;
      if (token.norm === '?') questions += token.repeat;
      if (isScopeBreak(token)) {
        scopeLeft = 0;
        neOpen = false;
        modifierLeft = 0;
      }
      continue;
    }
    const wordFacts = facts[index];
    if (wordFacts !== undefined) {
      if (token.elongated) elongatedWords++;
      if (wordFacts.contrast) {
        lastContrast = index;
        scopeLeft = 0;
        neOpen = false;
        continue;
      }
      const opensNegation = wordFacts.negator || (lang === 'fr' && neOpen && wordFacts.neCompletion);
      if (opensNegation) {
        negations++;
        scopeLeft = NEGATION_SCOPE_WORDS;
        negator = token;
        negatorAt = index;
        if (wordFacts.ne) neOpen = true;
        continue;
      }
      // "je n'ai que ça": ne…que restricts, it does not negate.
      if (lang === 'fr' && neOpen && wordFacts.que && negator?.norm === 'ne') {
        scopeLeft = 0;
        neOpen = false;
        continue;
      }
      const factor = wordFacts.intensifier;
      const nextPrior = priors[index + 1] ?? priors[index + 2];
      if (factor !== undefined && (priors[index] === undefined || nextPrior !== undefined)) {
        modifierAt = index;
        modifierFactor = factor;
        modifierLeft = INTENSIFIER_REACH;
        if (scopeLeft > 0) scopeLeft--;
        continue;
      }
    }
    const prior = priors[index];
    const negated = token.kind === 'word' && scopeLeft > 0;
    negatedTokens[index] = negated;
    if (prior !== undefined) {
      let weight = prior.polarity;
      const modified = modifierLeft > 0;
      if (modified) weight *= modifierFactor;
      if (token.caps && capsAreEmphasis) weight *= CAPS_BOOST;
      if (token.elongated) weight *= ELONGATION_BOOST;
      if (negated) weight *= NEGATION_FACTOR;
      if (prior.crisis && !negated) crisisWords++;
      const kind = token.kind === 'emoji' || token.kind === 'emoticon' ? token.kind : 'word';
      hits.push({
        index,
        kind,
        prior: prior.polarity,
        weight,
        negated,
        crisis: prior.crisis,
        cue:
          kind === 'word'
            ? describeCue(tokens, index, negated ? negatorAt : -1, modified ? modifierAt : -1)
            : token.text,
      });
      modifierLeft = 0;
    } else if (modifierLeft > 0) {
      modifierLeft--;
    }
    if (token.kind === 'word' && scopeLeft > 0) scopeLeft--;
  }

  let total = 0;
  let positive = 0;
  let negative = 0;
  for (const hit of hits) {
    if (lastContrast >= 0) hit.weight *= hit.index < lastContrast ? CONTRAST_WEIGHTS.before : CONTRAST_WEIGHTS.after;
    total += hit.weight;
    if (hit.weight > 0) positive += hit.weight;
    else negative -= hit.weight;
  }
  // One pass over the tokens for all second-opinion lexicons; each sum still runs in text order.
  const tables = lexicon.secondary;
  const sums = new Array<number>(tables.length).fill(0);
  for (let index = 0; secondaryWords > 0 && index < tokens.length; index++) {
    // Most words are in no second-opinion lexicon.
    const wordSecondary = facts[index]?.secondary;
    if (wordSecondary === undefined) continue;
    const contrast = lastContrast < 0 ? 1 : index < lastContrast ? CONTRAST_WEIGHTS.before : CONTRAST_WEIGHTS.after;
    const negation = negatedTokens[index] === true ? NEGATION_FACTOR : 1;
    for (let t = 0; t < tables.length; t++) {
      const polarity = wordSecondary[t];
      if (polarity !== undefined) sums[t] = (sums[t] ?? 0) + polarity * contrast * negation;
    }
  }
  const secondary = sums.map(squashPolarity);
  if (total !== 0 && exclamations > 0) {
    total += Math.sign(total) * EXCLAMATION_STEP * Math.min(exclamations, MAX_COUNTED_EXCLAMATIONS);
  }
  return {
    hits,
    negatedTokens,
    total,
    score: squashPolarity(total),
    positive,
    negative,
    negations,
    contrast: lastContrast >= 0,
    exclamations,
    questions,
    capsWords,
    elongatedWords,
    crisisWords,
    words,
    secondary,
  };
}
