import { collectLanguageEvidence, decideLanguage, detectLanguage, parseLanguageHint } from './language-detection';
import { tokenizeSocial } from './social-tokenizer';

describe(detectLanguage.name, () => {
  it.each([
    ["Je ne suis pas content du service client, c'est une arnaque", 'fr'],
    ['Des aides du #gouvernement pour des #logements plus écologiques', 'fr'],
    ['Très déçu par la livraison', 'fr'],
    ['I am not happy with the customer service at all', 'en'],
    ['@user the DC comics site has Batman 44 releases on the 9th but its out now?', 'en'],
    ['', 'und'],
    ['   \n\t ', 'und'],
    ['😡😡😡', 'und'],
    ['ok', 'und'],
    ['Привет, как дела? Это тест на русском языке', 'und'],
    ['这是一个中文句子，用来测试语言检测', 'und'],
    ['\u0000\u0001\u0002 \ufffd\ufffd', 'und'],
  ])('detects %j as %s', (text, expected) => {
    expect(detectLanguage(text)).toBe(expected);
  });

  it('stays fast and sane on 100 KB of text', () => {
    expect(detectLanguage('le chat est sur la table '.repeat(4000))).toBe('fr');
  });
});

describe(decideLanguage.name, () => {
  it.each([
    [{ fr: 3, en: 0, foreignShare: 0, words: 5 }, 'fr'],
    [{ fr: 0, en: 3, foreignShare: 0, words: 5 }, 'en'],
    [{ fr: 2, en: 2, foreignShare: 0, words: 6 }, 'und'],
    [{ fr: 1, en: 0, foreignShare: 0, words: 2 }, 'und'],
    [{ fr: 5, en: 0, foreignShare: 0.8, words: 10 }, 'und'],
  ] as const)('decides %j as %s', (evidence, expected) => {
    expect(decideLanguage(evidence)).toBe(expected);
  });
});

describe(collectLanguageEvidence.name, () => {
  it('counts French letters as half a clue', () => {
    const text = 'déçu';
    expect(collectLanguageEvidence(tokenizeSocial(text).tokens, text).fr).toBe(1);
  });

  it('ignores words from hashtags and handles', () => {
    const text = '#theandthe @the_and';
    expect(collectLanguageEvidence(tokenizeSocial(text).tokens, text).en).toBe(0);
  });
});

describe(parseLanguageHint.name, () => {
  it.each([
    ['fr', 'fr'],
    ['fr-CA', 'fr'],
    ['EN', 'en'],
    ['en_GB', 'en'],
    ['de', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('reads %j as %j', (hint, expected) => {
    expect(parseLanguageHint(hint)).toBe(expected);
  });
});
