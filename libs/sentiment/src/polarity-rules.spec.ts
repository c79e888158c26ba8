import { getPolarityLexicon } from './polarity-lexicon';
import type { RuleAnalysis } from './polarity-rules';
import { applyPolarityRules, squashPolarity } from './polarity-rules';
import type { SupportedLanguage } from './social-lexicon';
import { normalizeText, tokenizeSocial } from './social-tokenizer';

function analyzeRules(text: string, lang: SupportedLanguage): RuleAnalysis {
  const lexicon = getPolarityLexicon(lang);
  const { tokens } = tokenizeSocial(normalizeText(text), (norm) => lexicon.isKnown(norm));
  return applyPolarityRules(tokens, lang, lexicon);
}

const cuesOf = (text: string, lang: SupportedLanguage): string[] => analyzeRules(text, lang).hits.map((hit) => hit.cue);

describe(applyPolarityRules.name, () => {
  describe('negation', () => {
    it.each<[string, SupportedLanguage, string]>([
      ['je ne suis pas content', 'fr', 'pas content'],
      ["ce n'est jamais bon", 'fr', 'jamais bon'],
      ["il n'est plus heureux", 'fr', 'plus heureux'],
      ['pas content du tout', 'fr', 'pas content'],
      ["I'm not happy", 'en', 'not happy'],
      ["I don't love it", 'en', 'not love'],
      ['never good with them', 'en', 'never good'],
      ['no fun at all', 'en', 'no fun'],
    ])('flips "%s" (%s) and names the negator in the cue', (text, lang, cue) => {
      const rules = analyzeRules(text, lang);
      expect(rules.score).toBeLessThan(0);
      expect(rules.hits.map((hit) => hit.cue)).toContain(cue);
      expect(rules.hits.every((hit) => hit.negated)).toBe(true);
    });

    it.each<[string, SupportedLanguage]>([
      ['pas mal du tout', 'fr'],
      ['not bad at all', 'en'],
      ['no problem', 'en'],
    ])('turns a negated negative word positive in "%s"', (text, lang) => {
      expect(analyzeRules(text, lang).score).toBeGreaterThan(0);
    });

    it.each<[string, SupportedLanguage]>([
      ['pas de souci. Super content', 'fr'],
      ["I don't know, great show", 'en'],
    ])('closes the scope at punctuation in "%s"', (text, lang) => {
      expect(analyzeRules(text, lang).score).toBeGreaterThan(0);
    });

    it('reads "ne … que" as a restriction, not a negation', () => {
      expect(analyzeRules("je n'ai que du bonheur", 'fr').score).toBeGreaterThan(0);
    });

    it('treats "plus" and "personne" without "ne" as ordinary words', () => {
      expect(analyzeRules('plus heureux que jamais', 'fr').hits[0]?.negated).toBe(false);
    });

    it('damps a negated word instead of mirroring it', () => {
      const plain = analyzeRules('good', 'en').total;
      const negated = analyzeRules('not good', 'en').total;
      expect(Math.abs(negated)).toBeLessThan(Math.abs(plain));
    });
  });

  describe('intensifiers and diminishers', () => {
    it.each<[string, string, SupportedLanguage]>([
      ['très déçu', 'déçu', 'fr'],
      ['vraiment nul', 'nul', 'fr'],
      ['really bad', 'bad', 'en'],
      ['extremely disappointed', 'disappointed', 'en'],
    ])('"%s" weighs more than "%s"', (intensified, plain, lang) => {
      expect(Math.abs(analyzeRules(intensified, lang).total)).toBeGreaterThan(
        Math.abs(analyzeRules(plain, lang).total),
      );
    });

    it.each<[string, string, SupportedLanguage]>([
      ['un peu déçu', 'déçu', 'fr'],
      ['slightly disappointed', 'disappointed', 'en'],
    ])('"%s" weighs less than "%s"', (softened, plain, lang) => {
      expect(Math.abs(analyzeRules(softened, lang).total)).toBeLessThan(Math.abs(analyzeRules(plain, lang).total));
    });

    it.each<[string, SupportedLanguage, string]>([
      ['très déçu', 'fr', 'très déçu'],
      ['so disappointed', 'en', 'so disappointed'],
      ['pas très content', 'fr', 'pas très content'],
    ])('writes the modifier into the cue of "%s"', (text, lang, cue) => {
      expect(cuesOf(text, lang)).toEqual([cue]);
    });

    it('lets an intensifier with its own polarity stand alone', () => {
      expect(analyzeRules("c'est super", 'fr').score).toBeGreaterThan(0);
    });
  });

  describe('contrast', () => {
    it.each<[string, SupportedLanguage]>([
      ['le produit est bien mais le service client est nul', 'fr'],
      ['the phone is good but the support is terrible', 'en'],
    ])('lets the second half win in "%s"', (text, lang) => {
      const rules = analyzeRules(text, lang);
      expect(rules.contrast).toBe(true);
      expect(rules.score).toBeLessThan(0);
    });

    it.each<[string, SupportedLanguage]>([
      ['service lent mais personnel adorable', 'fr'],
      ['slow delivery but lovely staff', 'en'],
    ])('turns "%s" positive after the contrast', (text, lang) => {
      expect(analyzeRules(text, lang).score).toBeGreaterThan(0);
    });
  });

  describe('emoji and emoticons', () => {
    it.each<[string, SupportedLanguage, number]>([
      ['merci 😍', 'fr', 1],
      ['livraison 😡', 'fr', -1],
      ['thanks :)', 'en', 1],
      ['delivery again :(', 'en', -1],
      ['💔💔', 'en', -1],
    ])('scores "%s" with sign %d', (text, lang, sign) => {
      expect(Math.sign(analyzeRules(text, lang).score)).toBe(sign);
    });

    it('reports the emoji itself as a cue', () => {
      expect(cuesOf('commande 😡', 'fr')).toEqual(['😡']);
    });

    it('does not negate an emoji inside a negation scope', () => {
      expect(analyzeRules('not 😍', 'en').hits[0]?.negated).toBe(false);
    });
  });

  describe('emphasis', () => {
    it.each<[string, string, SupportedLanguage]>([
      ['service NUL', 'service nul', 'fr'],
      ['this is TERRIBLE', 'this is terrible', 'en'],
    ])('weighs capitals in "%s" more than in "%s"', (shouted, plain, lang) => {
      expect(Math.abs(analyzeRules(shouted, lang).total)).toBeGreaterThan(Math.abs(analyzeRules(plain, lang).total));
    });

    it('does not treat an all-caps text as emphasis word by word', () => {
      expect(analyzeRules('SERVICE NUL', 'fr').total).toBeCloseTo(analyzeRules('service nul', 'fr').total);
    });

    it.each<[string, string, SupportedLanguage]>([
      ['nuuuuul', 'nul', 'fr'],
      ['sooo goooood', 'so good', 'en'],
    ])('weighs elongated "%s" more than "%s"', (elongated, plain, lang) => {
      const rules = analyzeRules(elongated, lang);
      expect(rules.elongatedWords).toBeGreaterThan(0);
      expect(Math.abs(rules.total)).toBeGreaterThan(Math.abs(analyzeRules(plain, lang).total));
    });

    it.each<[string, string, SupportedLanguage]>([
      ['quelle honte !!!', 'quelle honte', 'fr'],
      ['what a scam!!!', 'what a scam', 'en'],
    ])('weighs "%s" more than "%s"', (loud, plain, lang) => {
      expect(Math.abs(analyzeRules(loud, lang).total)).toBeGreaterThan(Math.abs(analyzeRules(plain, lang).total));
    });
  });

  describe('hashtags and handles', () => {
    it.each<[string, SupportedLanguage, string]>([
      ['#BoycottAcme', 'fr', '#Boycott'],
      ['#boycottacme', 'en', '#boycott'],
      ['#ServiceClientNul', 'fr', '#Nul'],
      ['#worstservice', 'en', '#worst'],
    ])('finds the crisis word inside %s', (text, lang, cue) => {
      const rules = analyzeRules(text, lang);
      expect(rules.score).toBeLessThan(0);
      expect(rules.hits.map((hit) => hit.cue)).toContain(cue);
    });
  });

  describe('crisis vocabulary', () => {
    it.each<[string, SupportedLanguage, string]>([
      ["c'est une arnaque", 'fr', 'arnaque'],
      ['quelle honte', 'fr', 'honte'],
      ['scandale sanitaire', 'fr', 'scandale'],
      ['remboursez moi', 'fr', 'remboursez'],
      ['total scam', 'en', 'scam'],
      ['class action lawsuit', 'en', 'lawsuit'],
      ['worst airline', 'en', 'worst'],
    ])('flags "%s" as a crisis word', (text, lang, cue) => {
      const rules = analyzeRules(text, lang);
      expect(rules.crisisWords).toBe(1);
      expect(rules.hits.find((hit) => hit.crisis)?.cue).toBe(cue);
    });

    it('borrows the other language crisis words in a mixed tweet', () => {
      expect(analyzeRules('franchement un scam', 'fr').crisisWords).toBe(1);
    });

    it('does not count a negated crisis word', () => {
      expect(analyzeRules("ce n'est pas une arnaque", 'fr').crisisWords).toBe(0);
    });
  });

  describe('second-opinion lexicons', () => {
    it.each<[string, SupportedLanguage, number, number]>([
      ['a wonderful day', 'en', 0, 1],
      ['not wonderful at all', 'en', 0, -1],
      ['franchement un epic fail', 'fr', 0, -1],
      ['quelle honte', 'fr', 1, -1],
      ['pas heureux', 'fr', 1, -1],
    ])('scores "%s" (%s) on lexicon %d with sign %d', (text, lang, lexicon, sign) => {
      expect(Math.sign(analyzeRules(text, lang).secondary[lexicon] ?? 0)).toBe(sign);
    });
  });

  it('leaves a text without sentiment words at zero', () => {
    expect(analyzeRules('le train part à 16h', 'fr')).toMatchObject({ score: 0, hits: [] });
  });
});

describe(squashPolarity.name, () => {
  it.each([
    [0, 0],
    [1, Math.SQRT1_2],
    [-1, -Math.SQRT1_2],
  ])('maps %d to %d', (total, expected) => {
    expect(squashPolarity(total)).toBeCloseTo(expected);
  });

  it('stays inside [-1, 1] for huge sums', () => {
    expect(Math.abs(squashPolarity(1e9))).toBeLessThanOrEqual(1);
  });
});
