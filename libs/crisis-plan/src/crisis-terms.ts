import { foldText } from '@tocsin/domain';
import englishStemmer from 'natural/lib/natural/stemmers/porter_stemmer';
import frenchStemmer from 'natural/lib/natural/stemmers/porter_stemmer_fr';
import type { Trigger } from './plan.schema';

type VocabularyTrigger = Extract<Trigger, { kind: 'crisis-vocabulary' }>;

/** Languages whose word forms a plain term covers; other mentions are tried in both. */
export const TERM_LANGUAGES = ['fr', 'en'] as const;
export type TermLanguage = (typeof TERM_LANGUAGES)[number];

/**
 * One word of a plan term: `exact` matches that word only (inside a quoted phrase), `prefix`
 * any word starting with it (`brûl*`), `forms` any word sharing its stem in the language.
 */
export type TermWord =
  | { readonly kind: 'exact'; readonly folded: string }
  | { readonly kind: 'prefix'; readonly folded: string }
  | { readonly kind: 'forms'; readonly folded: string; readonly stems: Readonly<Record<TermLanguage, WordStem>> };

/** A word reduced for matching: its stem, and whether it is a French verb form (see {@link isFrenchVerbForm}). */
export interface WordStem {
  readonly stem: string;
  readonly verbForm: boolean;
}

export interface CompiledTerm {
  /** The term as the plan spells it, reported in hits. */
  readonly term: string;
  readonly words: readonly TermWord[];
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Words of a text in reading order, lower-cased with accents kept (the stemmers need them). */
function splitWords(text: string): string[] {
  return text.normalize('NFC').toLowerCase().match(WORD) ?? [];
}

/**
 * Past participles, infinitives and "-ez" forms: Porter gives "planté" and "plante" one stem,
 * but a verb form and a noun are different words to a reader ("l'appli a planté" is no plant),
 * so a stem match also needs both words on the same side. A family is one `prefix*` away.
 */
function isFrenchVerbForm(word: string): boolean {
  return /(?:é|ée|és|ées|er|ez)$/u.test(word);
}

const STEM_CACHE_LIMIT = 20_000;
// Mentions repeat the same few thousand words; the stemmers are the costly part of matching.
const stemCaches: Record<TermLanguage, Map<string, WordStem>> = { fr: new Map(), en: new Map() };

/** Stem of a lower-cased word, computed with its accents and then folded, so "brûlées" and "brulees" agree. */
export function stemWord(word: string, lang: TermLanguage): WordStem {
  const cache = stemCaches[lang];
  let found = cache.get(word);
  if (found === undefined) {
    const stemmer = lang === 'fr' ? frenchStemmer : englishStemmer;
    found = { stem: foldText(stemmer.stem(word)), verbForm: lang === 'fr' && isFrenchVerbForm(word) };
    if (cache.size >= STEM_CACHE_LIMIT) cache.clear();
    cache.set(word, found);
  }
  return found;
}

function compileWord(word: string, quoted: boolean): TermWord {
  if (quoted) return { kind: 'exact', folded: foldText(word) };
  return {
    kind: 'forms',
    folded: foldText(word),
    stems: { fr: stemWord(word, 'fr'), en: stemWord(word, 'en') },
  };
}

/**
 * Reads a plan term: `"a phrase"` (quoted) matches those exact words, `brûl*` every word
 * starting with "brûl", and a plain word or phrase the word forms of each of its words in
 * the mention's language ("brûlure" finds "brûlures", "poisoning" finds "poisoned").
 */
export function compileCrisisTerm(term: string): CompiledTerm {
  const trimmed = term.trim();
  const quoted = trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"');
  const body = quoted ? trimmed.slice(1, -1) : trimmed;
  const words = body
    .split(/\s+/u)
    .filter((part) => part.length > 0)
    .flatMap((part): TermWord[] => {
      const prefix = !quoted && part.endsWith('*');
      const parts = splitWords(prefix ? part.slice(0, -1) : part);
      return parts.map((word, i) =>
        prefix && i === parts.length - 1 ? { kind: 'prefix', folded: foldText(word) } : compileWord(word, quoted),
      );
    });
  return { term, words };
}

function matchesWord(pattern: TermWord, word: string, folded: string, lang: TermLanguage): boolean {
  switch (pattern.kind) {
    case 'exact':
      return folded === pattern.folded;
    case 'prefix':
      return folded.startsWith(pattern.folded);
    case 'forms': {
      const own = pattern.stems[lang];
      const other = stemWord(word, lang);
      return own.verbForm === other.verbForm && (folded === pattern.folded || own.stem === other.stem);
    }
  }
}

function containsTerm(compiled: CompiledTerm, words: readonly string[], folded: readonly string[], lang: TermLanguage) {
  const length = compiled.words.length;
  if (length === 0) return false;
  for (let start = 0; start + length <= words.length; start++) {
    let all = true;
    for (let i = 0; i < length && all; i++) {
      const pattern = compiled.words[i] as TermWord;
      all = matchesWord(pattern, words[start + i] ?? '', folded[start + i] ?? '', lang);
    }
    if (all) return true;
  }
  return false;
}

// Compiled once per trigger object: plans are immutable once parsed, so the cache cannot go stale.
const compiledCache = new WeakMap<VocabularyTrigger, readonly CompiledTerm[]>();

function compiledTerms(trigger: VocabularyTrigger): readonly CompiledTerm[] {
  let compiled = compiledCache.get(trigger);
  if (compiled === undefined) {
    compiled = trigger.terms.map(compileCrisisTerm);
    compiledCache.set(trigger, compiled);
  }
  return compiled;
}

function languagesFor(lang: string | undefined): readonly TermLanguage[] {
  return lang === 'fr' || lang === 'en' ? [lang] : TERM_LANGUAGES;
}

/**
 * Crisis terms of the trigger found in `text`, in plan order and spelling. Case, accents and
 * punctuation between words do not matter; plain terms match their word forms in `lang` (the
 * mention's language; both French and English when it is neither or unknown), words on a
 * word boundary only, phrases as consecutive words.
 */
export function findCrisisTerms(trigger: VocabularyTrigger, text: string, lang?: string): string[] {
  const words = splitWords(text);
  if (words.length === 0) return [];
  const folded = words.map(foldText);
  const languages = languagesFor(lang);
  return compiledTerms(trigger)
    .filter((compiled) => languages.some((language) => containsTerm(compiled, words, folded, language)))
    .map((compiled) => compiled.term);
}

/** How a term matches, for `plan:check`: `brûl* → words starting with "brul"`, a plain word's stems. */
export function describeCrisisTerm(term: string): string {
  const compiled = compileCrisisTerm(term);
  const parts = compiled.words.map((word) => {
    switch (word.kind) {
      case 'exact':
        return `"${word.folded}"`;
      case 'prefix':
        return `${word.folded}…`;
      case 'forms': {
        const { fr, en } = word.stems;
        const frenchStem = `${fr.stem}-${fr.verbForm ? ' (verb forms)' : ''}`;
        return fr.stem === en.stem && !fr.verbForm ? `${fr.stem}-` : `fr ${frenchStem} / en ${en.stem}-`;
      }
    }
  });
  return `${term} → ${parts.join(' + ')}`;
}
