import {
  MAX_SCORED_CHARS,
  foldWord,
  normalizeText,
  splitApostrophes,
  splitCompound,
  tokenizeSocial,
} from './social-tokenizer';

const norms = (text: string, isKnown?: (norm: string) => boolean): string[] =>
  tokenizeSocial(normalizeText(text), isKnown).tokens.map((token) => token.norm);

describe('splitApostrophes', () => {
  it.each([
    ["l'arnaque", ['arnaque']],
    ["d'attente", ['attente']],
    ["j'adore", ['adore']],
    ["qu'il", ['il']],
    ["n'est", ['ne', 'est']],
    ['n’aime', ['ne', 'aime']],
    ["jusqu'ici", ['ici']],
    ["don't", ['do', 'not']],
    ["can't", ['can', 'not']],
    ["won't", ['will', 'not']],
    ["it's", ['it']],
    ["aujourd'hui", ['aujourdhui']],
    ['plain', ['plain']],
  ])('splits %s into %j', (word, expected) => {
    expect(splitApostrophes(word)).toEqual(expected);
  });
});

describe('splitCompound', () => {
  const known = new Set(['boycott', 'honte', 'service', 'client', 'je', 'suis', 'decu']);
  it.each([
    ['BoycottAcme', ['Boycott', 'Acme']],
    ['service_client', ['service', 'client']],
    ['Covid19', ['Covid', '19']],
    ['jesuisdecu', ['je', 'suis', 'decu']],
    ['servicehonte', ['service', 'honte']],
    ['boycott', ['boycott']],
    ['xyzzyplugh', ['xyzzyplugh']],
  ])('splits %s into %j', (body, expected) => {
    expect(splitCompound(body, (norm) => known.has(norm))).toEqual(expected);
  });
});

describe('tokenizeSocial', () => {
  it.each([
    ['drops URLs and the @user placeholder', 'Regardez ça http @user https://t.co/xyz www.acme.fr', ['regardez', 'ca']],
    ['splits hashtags into words', 'Stop #BoycottAcme', ['stop', 'boycott', 'acme']],
    ['drops handles as UMSAB masks them', 'merci @Air_France', ['merci']],
    ['keeps emoji without variation selectors', 'top ❤️ 😡', ['top', '❤', '😡']],
    ['keeps emoticons between spaces', 'cool :) but :( and 16:30', ['cool', ':)', 'but', ':(', 'and', '16', ':', '30']],
    ['folds accents and case', 'DÉÇU Très', ['decu', 'tres']],
    ['squashes elongated letters to two', 'nuuuuul sooooo', ['nuul', 'soo']],
    ['handles French elision in running text', "C'est l'arnaque", ['est', 'arnaque']],
  ])('%s', (_, text, expected) => {
    expect(norms(text)).toEqual(expected);
  });

  it('counts the placeholders it dropped', () => {
    const { urlCount, handleCount, hashtagCount } = tokenizeSocial('@user look http #fail @acme');
    expect({ urlCount, handleCount, hashtagCount }).toEqual({ urlCount: 1, handleCount: 2, hashtagCount: 1 });
  });

  it.each([
    ['shouted words', 'this is TERRIBLE', [false, false, true]],
    ['single capitals', 'I am A fan', [false, false, false, false]],
  ])('flags capitals on %s', (_, text, expected) => {
    expect(tokenizeSocial(text).tokens.map((token) => token.caps)).toEqual(expected);
  });

  it('flags elongated words and counts punctuation runs', () => {
    const tokens = tokenizeSocial('nuuuul !!!').tokens;
    expect(tokens.map((t) => [t.kind, t.elongated, t.repeat])).toEqual([
      ['word', true, 1],
      ['punct', false, 3],
    ]);
  });

  it('reports a low letter share for binary junk', () => {
    expect(tokenizeSocial(normalizeText('\u0000\u0001\u0002��� ### %%% &&&')).letterShare).toBeLessThan(0.5);
  });
});

describe('normalizeText', () => {
  it.each([
    ['decodes JSON-style escapes', 'I\\u2019m fine\\u002c ok', 'I’m fine, ok'],
    ['blanks control characters', 'a\u0000b', 'a b'],
  ])('%s', (_, text, expected) => {
    expect(normalizeText(text)).toBe(expected);
  });

  it('caps the scored length', () => {
    expect(normalizeText('a'.repeat(100_000))).toHaveLength(MAX_SCORED_CHARS);
  });

  it('replaces a surrogate half cut by the cap', () => {
    const text = `${'a'.repeat(MAX_SCORED_CHARS - 1)}😀`;
    expect(normalizeText(text).endsWith(' ')).toBe(true);
  });
});

describe('foldWord', () => {
  it.each([
    ['Déçu', 'decu'],
    ['HONTEUSE', 'honteuse'],
    ['çà', 'ca'],
  ])('folds %s to %s', (word, expected) => {
    expect(foldWord(word)).toBe(expected);
  });
});
