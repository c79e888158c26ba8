import type { SocialToken } from './social-tokenizer';
import { normalizeText, tokenizeSocial } from './social-tokenizer';
import type { SupportedLanguage } from './social-lexicon';

/** Detected language: a supported one, or `und` when the evidence is too thin or foreign. */
export type DetectedLanguage = SupportedLanguage | 'und';

// Function words are the most reliable signal in short texts; each profile holds words
// frequent in one language and rare in the other (no "a", "on", "son", "me", "est"…).
const FUNCTION_WORDS: Readonly<Record<SupportedLanguage, ReadonlySet<string>>> = {
  fr: new Set([
    'le',
    'la',
    'les',
    'de',
    'des',
    'du',
    'un',
    'une',
    'et',
    'que',
    'qui',
    'pas',
    'pour',
    'dans',
    'sur',
    'avec',
    'ce',
    'cette',
    'ces',
    'il',
    'elle',
    'je',
    'tu',
    'nous',
    'vous',
    'ils',
    'ne',
    'au',
    'aux',
    'mais',
    'ou',
    'plus',
    'tres',
    'est',
    'sont',
    'suis',
    'ai',
    'avez',
    'fait',
    'faire',
    'tout',
    'tous',
    'bien',
    'aussi',
    'comme',
    'mon',
    'ma',
    'mes',
    'ton',
    'ta',
    'tes',
    'sa',
    'ses',
    'leur',
    'leurs',
    'notre',
    'votre',
    'nos',
    'vos',
    'quand',
    'rien',
    'jamais',
    'toujours',
    'deja',
    'encore',
    'avoir',
    'etre',
    'ete',
    'cest',
    'quoi',
    'ca',
    'moi',
    'toi',
    'lui',
    'eux',
    'par',
    'entre',
    'sans',
    'sous',
    'chez',
    'depuis',
    'apres',
    'avant',
    'contre',
    'vers',
    'oui',
    'merci',
    'bonjour',
    'aujourdhui',
    'demain',
    'hier',
    'peut',
    'faut',
    'va',
    'vont',
    'ont',
    'sera',
    'toute',
    'toutes',
    'quel',
    'quelle',
    'quels',
    'quelles',
    'ici',
    'voila',
    'donc',
    'alors',
    'car',
    'puis',
    'meme',
    'moins',
    'trop',
    'cela',
    'celui',
    'celle',
    'elles',
    'etait',
    'avait',
    'fois',
  ]),
  en: new Set([
    'the',
    'and',
    'is',
    'are',
    'was',
    'were',
    'to',
    'of',
    'in',
    'for',
    'with',
    'that',
    'this',
    'it',
    'you',
    'he',
    'she',
    'we',
    'they',
    'not',
    'but',
    'or',
    'be',
    'have',
    'has',
    'had',
    'my',
    'your',
    'at',
    'so',
    'just',
    'what',
    'who',
    'when',
    'will',
    'would',
    'can',
    'do',
    'does',
    'did',
    'been',
    'from',
    'by',
    'about',
    'all',
    'out',
    'up',
    'get',
    'got',
    'if',
    'me',
    'him',
    'her',
    'our',
    'their',
    'them',
    'there',
    'here',
    'how',
    'why',
    'which',
    'than',
    'then',
    'now',
    'today',
    'tomorrow',
    'going',
    'know',
    'like',
    'love',
    'more',
    'much',
    'very',
    'really',
    'no',
    'yes',
    'thanks',
    'thank',
    'should',
    'could',
    'i',
    'im',
    'its',
    'don',
    'after',
    'before',
    'new',
    'ever',
    'want',
    'an',
    'any',
    'some',
    'only',
    'even',
    'still',
    'never',
    'again',
    'because',
    'over',
    'into',
    'off',
    'too',
    'well',
    'back',
    'being',
    'am',
    'let',
    'make',
    'see',
    'go',
    'say',
    'people',
  ]),
};

const FRENCH_WORD = 1;
const ENGLISH_WORD = 2;
// Both profiles in one map, so each word costs one lookup.
const FUNCTION_WORD_LANGUAGES: ReadonlyMap<string, number> = (() => {
  const languages = new Map<string, number>();
  for (const word of FUNCTION_WORDS.fr) languages.set(word, FRENCH_WORD);
  for (const word of FUNCTION_WORDS.en) languages.set(word, (languages.get(word) ?? 0) | ENGLISH_WORD);
  return languages;
})();

// Letters that occur in French words and never in plain English ones.
const FRENCH_LETTERS = /[éèêëàâçîïôûùœ]/i;
// All of them (either case) sit below U+0154; a table lets one pass count them.
const FRENCH_LETTER_LIMIT = 0x154;
const IS_FRENCH_LETTER = Uint8Array.from({ length: FRENCH_LETTER_LIMIT }, (_, code) =>
  FRENCH_LETTERS.test(String.fromCharCode(code)) ? 1 : 0,
);
// The scripts below all start at or above Greek (U+0370): text below it needs no regex.
const FIRST_FOREIGN_CODE = 0x370;
const FOREIGN_SCRIPT =
  /[\p{Script=Cyrillic}\p{Script=Arabic}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Greek}\p{Script=Hebrew}\p{Script=Thai}\p{Script=Devanagari}]/gu;

/** Evidence for each language, in function-word hits (French letters count for half a hit). */
export interface LanguageEvidence {
  readonly fr: number;
  readonly en: number;
  /** Share of letters written in scripts other than Latin. */
  readonly foreignShare: number;
  /** Words looked at. */
  readonly words: number;
}

/** Counts the clues for French and English among the running-text words. */
export function collectLanguageEvidence(tokens: readonly SocialToken[], text: string): LanguageEvidence {
  let fr = 0;
  let en = 0;
  let words = 0;
  let letters = 0;
  for (const token of tokens) {
    if (token.kind !== 'word' || token.source !== 'text') continue;
    words++;
    letters += token.text.length;
    const languages = FUNCTION_WORD_LANGUAGES.get(token.norm);
    if (languages === undefined) continue;
    if ((languages & FRENCH_WORD) !== 0) fr++;
    if ((languages & ENGLISH_WORD) !== 0) en++;
  }
  let frenchLetters = 0;
  let maybeForeign = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < FRENCH_LETTER_LIMIT) frenchLetters += IS_FRENCH_LETTER[code] ?? 0;
    else if (code >= FIRST_FOREIGN_CODE) maybeForeign = true;
  }
  fr += 0.5 * frenchLetters;
  const foreign = maybeForeign ? (text.match(FOREIGN_SCRIPT)?.length ?? 0) : 0;
  return { fr, en, foreignShare: letters === 0 ? (foreign > 0 ? 1 : 0) : Math.min(1, foreign / letters), words };
}

const MIN_EVIDENCE = 1.5;
const MIN_MARGIN_RATIO = 1.5;
const MAX_FOREIGN_SHARE = 0.3;

/**
 * Decides the language from evidence: `und` when there is little of it, when neither side
 * clearly wins, or when most letters are in a script neither language uses.
 */
export function decideLanguage(evidence: LanguageEvidence): DetectedLanguage {
  if (evidence.foreignShare > MAX_FOREIGN_SHARE) return 'und';
  const top = Math.max(evidence.fr, evidence.en);
  const other = Math.min(evidence.fr, evidence.en);
  if (top < MIN_EVIDENCE || top < MIN_MARGIN_RATIO * other) return 'und';
  return evidence.fr > evidence.en ? 'fr' : 'en';
}

/** The more likely of the two languages, even on thin evidence (ties go to English). */
export function guessLanguage(evidence: LanguageEvidence): SupportedLanguage {
  return evidence.fr > evidence.en ? 'fr' : 'en';
}

/**
 * Detects whether a text is French or English from function words and French letters.
 * Returns `und` when unsure, including for empty text, junk and other scripts.
 */
export function detectLanguage(text: string): DetectedLanguage {
  if (typeof text !== 'string') return 'und';
  const normalized = normalizeText(text);
  return decideLanguage(collectLanguageEvidence(tokenizeSocial(normalized).tokens, normalized));
}

/** Reads a BCP-47 hint ("fr-CA", "EN") down to a supported language, if it is one. */
export function parseLanguageHint(hint: string | undefined): SupportedLanguage | undefined {
  if (hint === undefined) return undefined;
  // The common case, a bare code, without the string work below.
  if (hint === 'fr' || hint === 'en') return hint;
  const primary = hint.trim().toLowerCase().split(/[-_]/)[0];
  return primary === 'fr' || primary === 'en' ? primary : undefined;
}
