import { EMOTICON_POLARITY } from './emoji-lexicon';
import type { WordFacts } from './polarity-rules';
import type { WordHashes } from './sentiment-features';

/**
 * Longest text scored, in UTF-16 code units. Mentions are at most 10,000 characters and the
 * polarity of a long post is set early; the cap bounds the work on hostile input.
 */
export const MAX_SCORED_CHARS = 4000;

export type TokenKind = 'word' | 'emoji' | 'emoticon' | 'punct';

/** Where a word came from: running text or a split hashtag. */
export type TokenSource = 'text' | 'hashtag';

/**
 * What later stages derive from a token's written form alone, kept on the token. Tokens are
 * cached per written form, so the words a stream repeats (Zipf) skip the map each stage would
 * otherwise look them up in: those lookups were the largest cost of scoring.
 */
export interface TokenMemo extends WordHashes {
  // Its feature hashes (sentiment-features) are fields of the memo itself, not an object it
  // points to: one read fewer per word; `id` is -1 until they are computed.
  unigram: number;
  negated: number;
  bigramPrefix: number;
  id: number;
  /** Its rule facts under the last two lexicons that asked, one per language (polarity-rules). */
  factsLexicon0: object | undefined;
  facts0: WordFacts | undefined;
  factsLexicon1: object | undefined;
  facts1: WordFacts | undefined;
  /** Whether it is a word a customer-service reply is made of (neutral-forms). */
  replyWord: boolean | undefined;
}

function emptyMemo(): TokenMemo {
  return {
    unigram: 0,
    negated: 0,
    bigramPrefix: 0,
    id: -1,
    factsLexicon0: undefined,
    facts0: undefined,
    factsLexicon1: undefined,
    facts1: undefined,
    replyWord: undefined,
  };
}

export interface SocialToken {
  readonly kind: TokenKind;
  /** As written, for cues. */
  readonly text: string;
  /** Lower case, accents folded, letters repeated 3+ times squashed to 2; emoji without U+FE0F. */
  readonly norm: string;
  /** Lower case with accents kept, for the stemmers. */
  readonly lower: string;
  readonly source: TokenSource;
  /** Written in capitals (at least two letters), i.e. shouted. */
  readonly caps: boolean;
  /** Had a letter repeated three times or more ("nuuul", "sooo"). */
  readonly elongated: boolean;
  /** For punctuation: how many marks in the run ("!!!" → 3). */
  readonly repeat: number;
  readonly memo: TokenMemo;
}

/** What the tokenizer saw besides tokens: placeholders it dropped. */
export interface TokenizedText {
  readonly tokens: SocialToken[];
  readonly urlCount: number;
  readonly handleCount: number;
  readonly hashtagCount: number;
  /** Letters and digits over all non-space characters, to spot binary junk. */
  readonly letterShare: number;
}

/** Tells whether a folded word is known, so lower-case hashtags can be segmented. */
export type KnownWordTest = (norm: string) => boolean;

function escapeForRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const EMOTICON_SOURCE = [...EMOTICON_POLARITY.keys()]
  .sort((a, b) => b.length - a.length)
  .map(escapeForRegExp)
  .join('|');

// One pass over the text; the group that matched says what the token is (1 URL, 2 handle,
// 3 hashtag, 4 word, 5 emoji, 6 emoticon, 7 punctuation). Emoticons need whitespace around
// them so "http://x:D" or "16:30" never read as faces; those starting with a letter ("xD")
// come out as words, which the slang list scores.
const TOKEN_PATTERN = new RegExp(
  [
    '(https?:\\/\\/\\S*|www\\.\\S+|\\bhttps?\\b)',
    '(@[\\p{L}\\p{N}_]+)',
    '(#[\\p{L}\\p{N}_]+)',
    "([\\p{L}\\p{N}]+(?:['’][\\p{L}\\p{N}]+)*)",
    '(\\p{Extended_Pictographic})',
    `((?<=^|\\s)(?:${EMOTICON_SOURCE})(?=$|\\s|[.,!?]))`,
    '([!?]+|[.…;:,()"«»]+)',
  ].join('|'),
  'gu',
);

const ELONGATION = /(\p{L})\1{2,}/gu;
const NON_ASCII = /[\u0080-\uffff]/;
const DIACRITICS = /\p{M}+/gu;
const FRENCH_ELISION = /^(l|d|j|qu|n|c|s|m|t|jusqu|lorsqu|puisqu)'(.+)$/;
const ENGLISH_CLITIC = /^(.+?)('s|'re|'ll|'m|'ve|'d)$/;
const ENGLISH_NOT = /^(.+)n't$/;
const CAMEL_BOUNDARY = /(?<=\p{Ll})(?=\p{Lu})|_+|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u;
const NOT_CONTRACTION_BASES: Readonly<Record<string, string>> = { ca: 'can', wo: 'will', ai: 'am', sha: 'shall' };

/** Lower-cases and strips accents; ASCII takes a fast path since most words are ASCII. */
export function foldWord(word: string): string {
  return foldLowerCase(word.toLowerCase());
}

function foldLowerCase(lower: string): string {
  return NON_ASCII.test(lower) ? lower.normalize('NFD').replace(DIACRITICS, '') : lower;
}

/**
 * Undoes the JSON-style unicode escapes (`\u00e9`) that some exports leave in text, drops variation
 * selectors and control characters, and caps the length at {@link MAX_SCORED_CHARS}.
 */
export function normalizeText(text: string): string {
  const capped = text.length > MAX_SCORED_CHARS ? text.slice(0, MAX_SCORED_CHARS) : text;
  const unescaped = capped.includes('\\u')
    ? capped.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    : capped;
  return blankUnscorableCodeUnits(unescaped);
}

function isUnscorable(code: number, previous: number, next: number): boolean {
  if (code < 0x20) return code !== 0x09 && code !== 0x0a && code !== 0x0d;
  if (code === 0x7f || code === 0xfe0f || code === 0x200d) return true;
  // Lone surrogates, left by the length cap or by junk, would break the Unicode-aware patterns.
  if (code >= 0xd800 && code <= 0xdbff) return !(next >= 0xdc00 && next <= 0xdfff);
  if (code >= 0xdc00 && code <= 0xdfff) return !(previous >= 0xd800 && previous <= 0xdbff);
  return false;
}

/** Blanks control characters, variation selectors, joiners and lone surrogates. */
function blankUnscorableCodeUnits(text: string): string {
  let out: string[] | undefined;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Printable ASCII, most of any text, is always kept.
    if (code >= 0x20 && code < 0x7f) {
      if (out !== undefined) out.push(text.charAt(i));
      continue;
    }
    if (isUnscorable(code, i > 0 ? text.charCodeAt(i - 1) : -1, i + 1 < text.length ? text.charCodeAt(i + 1) : -1)) {
      out ??= text.slice(0, i).split('');
      out.push(' ');
    } else if (out !== undefined) {
      out.push(text.charAt(i));
    }
  }
  return out === undefined ? text : out.join('');
}

/** Whether some character repeats three times in a row; cheaper than the regex on every word. */
function hasTripleRun(text: string): boolean {
  for (let i = 2; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === text.charCodeAt(i - 1) && code === text.charCodeAt(i - 2)) return true;
  }
  return false;
}

function makeWordToken(text: string, source: TokenSource): SocialToken {
  const lower = text.toLowerCase();
  const folded = foldLowerCase(lower);
  const norm = hasTripleRun(folded) ? folded.replace(ELONGATION, '$1$1') : folded;
  const caps = text !== lower && text.length > 1 && text === text.toUpperCase() && /\p{L}.*\p{L}/u.test(text);
  return { kind: 'word', text, norm, lower, source, caps, elongated: norm !== folded, repeat: 1, memo: emptyMemo() };
}

/**
 * Splits a word on apostrophes the way both languages need: French elision ("l'arnaque" →
 * "arnaque", "n'est" → "ne" + "est") and English clitics ("don't" → "do" + "not").
 */
export function splitApostrophes(word: string): string[] {
  if (!word.includes("'") && !word.includes('’')) return [word];
  const plain = word.replace(/’/g, "'");
  const lower = plain.toLowerCase();
  const elision = FRENCH_ELISION.exec(lower);
  if (elision !== null && elision[1] !== undefined) {
    const rest = plain.slice(elision[1].length + 1);
    return elision[1] === 'n' ? ['ne', ...splitApostrophes(rest)] : splitApostrophes(rest);
  }
  const not = ENGLISH_NOT.exec(plain);
  if (not !== null && not[1] !== undefined) {
    const base = not[1];
    return [NOT_CONTRACTION_BASES[base.toLowerCase()] ?? base, 'not'];
  }
  const clitic = ENGLISH_CLITIC.exec(plain);
  if (clitic !== null && clitic[1] !== undefined) return [clitic[1]];
  return [plain.replace(/'/g, '')];
}

/**
 * Splits a hashtag or handle body into words: on camelCase, digits and underscores, and,
 * for a lower-case run that is not a known word, into the fewest known words if it can.
 */
export function splitCompound(body: string, isKnown?: KnownWordTest): string[] {
  const parts = body.split(CAMEL_BOUNDARY).filter((part) => part.length > 0);
  if (isKnown === undefined) return parts;
  return parts.flatMap((part) => segmentKnownWords(part, isKnown));
}

const SEGMENT_CACHE_LIMIT = 10_000;
// Hashtags repeat across a stream; segmentation is quadratic in their length.
const segmentCaches = new WeakMap<KnownWordTest, Map<string, string[]>>();

function splitCompoundCached(body: string, isKnown: KnownWordTest): string[] {
  let cache = segmentCaches.get(isKnown);
  if (cache === undefined) {
    cache = new Map();
    segmentCaches.set(isKnown, cache);
  }
  let parts = cache.get(body);
  if (parts === undefined) {
    if (cache.size >= SEGMENT_CACHE_LIMIT) cache.clear();
    parts = splitCompound(body, isKnown);
    cache.set(body, parts);
  }
  return parts;
}

const MAX_SEGMENTED_CHARS = 30;
const MIN_SEGMENT_CHARS = 2;

function segmentKnownWords(part: string, isKnown: KnownWordTest): string[] {
  const folded = foldWord(part);
  if (folded.length > MAX_SEGMENTED_CHARS || folded.length < 2 * MIN_SEGMENT_CHARS || isKnown(folded)) {
    return [part];
  }
  // best[i] = fewest known words covering folded[0, i); back[i] = where the last one starts.
  const best: number[] = new Array<number>(folded.length + 1).fill(Infinity);
  const back: number[] = new Array<number>(folded.length + 1).fill(-1);
  best[0] = 0;
  for (let end = MIN_SEGMENT_CHARS; end <= folded.length; end++) {
    for (let start = 0; start <= end - MIN_SEGMENT_CHARS; start++) {
      const before = best[start] ?? Infinity;
      if (before + 1 < (best[end] ?? Infinity) && isKnown(folded.slice(start, end))) {
        best[end] = before + 1;
        back[end] = start;
      }
    }
  }
  if (!Number.isFinite(best[folded.length] ?? Infinity)) return splitAtKnownEnd(part, folded, isKnown);
  const words: string[] = [];
  for (let end = folded.length; end > 0; end = back[end] ?? 0) {
    words.push(part.slice(back[end] ?? 0, end));
  }
  return words.reverse();
}

// A brand name is rarely in the vocabulary: "boycottacme" still yields "boycott" + "acme".
const MIN_KNOWN_END_CHARS = 4;
const MIN_UNKNOWN_REST_CHARS = 3;

function splitAtKnownEnd(part: string, folded: string, isKnown: KnownWordTest): string[] {
  for (let cut = folded.length - MIN_UNKNOWN_REST_CHARS; cut >= MIN_KNOWN_END_CHARS; cut--) {
    if (isKnown(folded.slice(0, cut))) return [part.slice(0, cut), part.slice(cut)];
  }
  for (let cut = MIN_UNKNOWN_REST_CHARS; cut <= folded.length - MIN_KNOWN_END_CHARS; cut++) {
    if (isKnown(folded.slice(cut))) return [part.slice(0, cut), part.slice(cut)];
  }
  return [part];
}

const WORD_TOKEN_CACHE_LIMIT = 1 << 15;
// Words repeat across a stream (Zipf) and tokens are immutable, so each written form is
// split and folded once; sharing the norm strings also lets later lookups reuse their hash.
// The cache is an open-addressed table over the word's characters where they lie in the text:
// a repeated word is found without cutting it out of the text first.
// Twice the entries at most, so probes stay short; 256 KB, most of it in a core's L2 cache.
const WORD_SLOTS = 2 * WORD_TOKEN_CACHE_LIMIT;
const WORD_SLOT_MASK = WORD_SLOTS - 1;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 16777619;
/** Per slot, the index of its entry, or -1. */
const wordSlots = new Int32Array(WORD_SLOTS).fill(-1);
/** Per entry, its hash, checked before its text. */
const wordHashes = new Int32Array(WORD_TOKEN_CACHE_LIMIT);
// Per entry: where its characters start in `wordChars` (they end where the next entry's start),
// and its tokens; a word of one token, most of them, also has it in `wordSingle`, one read fewer.
// The characters are packed in entry order, so the frequent words, met first, sit together.
let wordStarts = new Int32Array(1024);
let wordChars = new Uint16Array(8192);
let wordCount = 0;
let wordEntries: (readonly SocialToken[])[] = [];
let wordSingle: (SocialToken | undefined)[] = [];

/** Whether entry `entry` holds the word `text[start, end)`. */
function entryHolds(entry: number, text: string, start: number, end: number): boolean {
  const from = wordStarts[entry] ?? 0;
  if ((wordStarts[entry + 1] ?? 0) - from !== end - start) return false;
  for (let i = start, at = from; i < end; i++, at++) if (wordChars[at] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * The entry of the word `text[start, end)` in the word cache, split and folded on its first
 * sight: its tokens are `wordSingle[entry]` or, when not a single one, `wordEntries[entry]`.
 */
function runningTextEntry(text: string, start: number, end: number): number {
  let hash = FNV_OFFSET;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  let slot = hash & WORD_SLOT_MASK;
  for (;;) {
    const entry = wordSlots[slot] ?? -1;
    if (entry < 0) break;
    if (wordHashes[entry] === hash && entryHolds(entry, text, start, end)) return entry;
    slot = (slot + 1) & WORD_SLOT_MASK;
  }
  if (wordCount >= WORD_TOKEN_CACHE_LIMIT) {
    wordSlots.fill(-1);
    wordCount = 0;
    wordEntries = [];
    wordSingle = [];
    slot = hash & WORD_SLOT_MASK;
  }
  const entry = wordCount++;
  if (wordStarts.length < wordCount + 1) {
    const grown = new Int32Array(2 * wordStarts.length);
    grown.set(wordStarts);
    wordStarts = grown;
  }
  const from = wordStarts[entry] ?? 0;
  const to = from + end - start;
  if (wordChars.length < to) {
    const grown = new Uint16Array(Math.max(to, 2 * wordChars.length));
    grown.set(wordChars);
    wordChars = grown;
  }
  for (let i = start, at = from; i < end; i++, at++) wordChars[at] = text.charCodeAt(i);
  wordStarts[entry + 1] = to;
  const tokens = splitApostrophes(text.slice(start, end)).map((part) => makeWordToken(part, 'text'));
  wordSlots[slot] = entry;
  wordHashes[entry] = hash;
  wordEntries[entry] = tokens;
  wordSingle[entry] = tokens.length === 1 ? tokens[0] : undefined;
  return entry;
}

/** Appends the tokens of the running-text word `text[start, end)`. */
function pushRunningText(tokens: SocialToken[], text: string, start: number, end: number): void {
  const entry = runningTextEntry(text, start, end);
  const single = wordSingle[entry];
  if (single !== undefined) tokens.push(single);
  else for (const token of wordEntries[entry] ?? []) tokens.push(token);
}

function countVisible(text: string): number {
  let visible = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Space, tab, line breaks and the no-break spaces common in French typography.
    if (code !== 32 && (code < 9 || code > 13) && code !== 0xa0 && code !== 0x202f) visible++;
  }
  return visible;
}

const SPACE_CODE = 32;
const APOSTROPHE_CODE = 39;

function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
}

/**
 * End of the word starting at `start` when the pattern would read it as a plain ASCII word,
 * or -1 when it might read more: a URL, a non-ASCII letter or an apostrophe ahead.
 */
function plainWordEnd(text: string, start: number): number {
  if (text.startsWith('http', start) || text.startsWith('www.', start)) return -1;
  let end = start + 1;
  while (end < text.length && isAsciiAlphanumeric(text.charCodeAt(end))) end++;
  if (end < text.length) {
    const next = text.charCodeAt(end);
    if (next >= 0x80 || next === APOSTROPHE_CODE) return -1;
  }
  return end;
}

/** An emoji or emoticon: kept as written, it carries its polarity by itself. */
function symbolToken(kind: 'emoji' | 'emoticon', value: string): SocialToken {
  return cachedToken(symbolTokenCache, value, () => ({
    kind,
    text: value,
    norm: value,
    lower: value,
    source: 'text',
    caps: false,
    elongated: false,
    repeat: 1,
    memo: emptyMemo(),
  }));
}

// Hashtag words and symbols are cached like running words, so their memos last too.
const hashtagTokenCache = new Map<string, SocialToken>();
const symbolTokenCache = new Map<string, SocialToken>();

function cachedToken(cache: Map<string, SocialToken>, key: string, make: () => SocialToken): SocialToken {
  let token = cache.get(key);
  if (token === undefined) {
    if (cache.size >= WORD_TOKEN_CACHE_LIMIT) cache.clear();
    token = make();
    cache.set(key, token);
  }
  return token;
}

/**
 * Tokenizes social text: words (apostrophes split), emoji, emoticons and punctuation runs.
 * URLs and handles are counted and dropped; hashtags are split into words tagged with their source. Expects text already passed through {@link normalizeText}.
 */
export function tokenizeSocial(text: string, isKnown?: KnownWordTest): TokenizedText {
  const tokens: SocialToken[] = [];
  let urlCount = 0;
  let handleCount = 0;
  let hashtagCount = 0;
  let letters = 0;
  let at = 0;
  while (at < text.length) {
    // Plain ASCII words and spaces, most of any text, skip the pattern; it handles the rest.
    const code = text.charCodeAt(at);
    if (code === SPACE_CODE) {
      at++;
      continue;
    }
    const wordEnd = isAsciiAlphanumeric(code) ? plainWordEnd(text, at) : -1;
    if (wordEnd > 0) {
      letters += wordEnd - at;
      pushRunningText(tokens, text, at, wordEnd);
      at = wordEnd;
      continue;
    }
    TOKEN_PATTERN.lastIndex = at;
    const match = TOKEN_PATTERN.exec(text);
    if (match === null) break;
    at = TOKEN_PATTERN.lastIndex;
    const value = match[0];
    if (match[1] !== undefined) {
      urlCount++;
    } else if (match[2] !== undefined) {
      // Every handle reads as UMSAB's "@user", the form the model was trained on: a brand's
      // "@voltaway_help" says who is addressed, not what is thought of it.
      handleCount++;
      letters += value.length;
    } else if (match[3] !== undefined) {
      hashtagCount++;
      letters += value.length;
      const body = value.slice(1);
      const parts = isKnown === undefined ? splitCompound(body) : splitCompoundCached(body, isKnown);
      for (const part of parts) tokens.push(cachedToken(hashtagTokenCache, part, () => makeWordToken(part, 'hashtag')));
    } else if (match[6] !== undefined) {
      tokens.push(symbolToken('emoticon', value));
    } else if (match[4] !== undefined) {
      letters += value.length;
      pushRunningText(tokens, text, at - value.length, at);
    } else if (match[5] !== undefined) {
      letters += value.length;
      tokens.push(symbolToken('emoji', value));
    } else {
      const mark = value[0] === '!' || value[0] === '?' ? (value.includes('?') ? '?' : '!') : (value[0] ?? '.');
      tokens.push({
        kind: 'punct',
        text: value,
        norm: mark,
        lower: mark,
        source: 'text',
        caps: false,
        elongated: false,
        repeat: value.length,
        memo: emptyMemo(),
      });
    }
  }
  const visible = countVisible(text);
  return {
    tokens,
    urlCount,
    handleCount,
    hashtagCount,
    letterShare: visible === 0 ? 0 : Math.min(1, letters / visible),
  };
}
