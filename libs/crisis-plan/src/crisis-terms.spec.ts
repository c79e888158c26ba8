import { join } from 'node:path';
import { compileCrisisTerm, describeCrisisTerm, findCrisisTerms } from './crisis-terms';
import { loadPlanFile } from './plan.loader';
import type { Trigger } from './plan.schema';
import { crisisTermSchema } from './plan.schema';

type VocabularyTrigger = Extract<Trigger, { kind: 'crisis-vocabulary' }>;

const EXAMPLE_PLAN = join(__dirname, '..', '..', '..', 'config', 'crisis-plan.example.yaml');

function vocabulary(...terms: string[]): VocabularyTrigger {
  return { id: 'words', level: 'alert', kind: 'crisis-vocabulary', terms };
}

describe(findCrisisTerms.name, () => {
  describe("the example plan's product-safety trigger", () => {
    let productSafety: VocabularyTrigger;

    beforeAll(async () => {
      const loaded = await loadPlanFile(EXAMPLE_PLAN);
      if (!loaded.ok) throw new Error(`example plan does not load: ${loaded.errors.map((e) => e.message).join('; ')}`);
      const trigger = loaded.plan.triggers.find((t) => t.id === 'product-safety');
      if (trigger?.kind !== 'crisis-vocabulary')
        throw new Error('example plan: product-safety is not crisis-vocabulary');
      productSafety = trigger;
    });

    it.each([
      { lang: 'fr', text: 'Des brûlures partout après la crème @fleurie_off' },
      { lang: 'fr', text: 'brûlée au visage par le sérum Fleurie' },
      { lang: 'fr', text: 'je suis allergique à la nouvelle crème' },
      { lang: 'fr', text: 'intoxiquée par le sérum, je suis aux urgences' },
      { lang: 'fr', text: 'réaction allergique au Sérum Nuit' },
      { lang: 'fr', text: 'une brûlure au second degré' },
      { lang: 'en', text: 'Fleurie cream burned my skin' },
      { lang: 'en', text: 'my daughter was poisoned by this serum' },
      { lang: 'en', text: 'allergic reaction to the night serum' },
      { lang: 'und', text: 'cream burned my skin' },
    ])('finds a crisis word in "$text" ($lang)', ({ lang, text }) => {
      expect(findCrisisTerms(productSafety, text, lang)).not.toEqual([]);
    });

    it.each([
      { lang: 'fr', text: 'Super crème, peau toute douce' },
      { lang: 'en', text: 'my skin loves this serum' },
    ])('finds nothing in "$text" ($lang)', ({ lang, text }) => {
      expect(findCrisisTerms(productSafety, text, lang)).toEqual([]);
    });
  });

  it.each([
    { terms: ['brûlure'], text: 'trois brûlures', lang: 'fr', expected: ['brûlure'] },
    { terms: ['brûlure'], text: 'BRULURES', lang: 'fr', expected: ['brûlure'] },
    { terms: ['allergie'], text: 'je suis allergique', lang: 'fr', expected: ['allergie'] },
    { terms: ['plainte'], text: 'deux plaintes déposées', lang: 'fr', expected: ['plainte'] },
    { terms: ['brûl*'], text: 'brûlée au visage', lang: 'fr', expected: ['brûl*'] },
    { terms: ['intox*'], text: 'intoxiquée par le sérum', lang: 'fr', expected: ['intox*'] },
    { terms: ['burn'], text: 'cream burned my skin', lang: 'en', expected: ['burn'] },
    { terms: ['poisoning'], text: 'my daughter was poisoned', lang: 'en', expected: ['poisoning'] },
    { terms: ['refund'], text: 'still no refunds', lang: 'en', expected: ['refund'] },
    { terms: ['rappel produit'], text: 'rappels produits en cours', lang: 'fr', expected: ['rappel produit'] },
  ])('finds $terms in "$text" ($lang)', ({ terms, text, lang, expected }) => {
    expect(findCrisisTerms(vocabulary(...terms), text, lang)).toEqual(expected);
  });

  it.each([
    { terms: ['plante'], text: "l'appli a planté", lang: 'fr', why: 'a noun is not the verb' },
    { terms: ['planté'], text: 'une plante verte', lang: 'fr', why: 'nor the other way round' },
    { terms: ['scam'], text: 'a scammer magnet', lang: 'en', why: 'another word, same start' },
    { terms: ['rappel produit'], text: 'rappel du produit', lang: 'fr', why: 'a phrase is consecutive words' },
    { terms: ['"réaction allergique"'], text: 'réactions allergiques', lang: 'fr', why: 'quotes keep it exact' },
    { terms: ['brûl*'], text: 'un tissu ébrûlé', lang: 'fr', why: 'a prefix starts the word' },
    { terms: ['burn'], text: 'cream burned my skin', lang: 'fr', why: 'forms are those of the language' },
  ])('does not find $terms in "$text" ($why)', ({ terms, text, lang }) => {
    expect(findCrisisTerms(vocabulary(...terms), text, lang)).toEqual([]);
  });

  it('keeps exact phrases when quoted, ignoring case, accents and punctuation between words', () => {
    expect(findCrisisTerms(vocabulary('"réaction allergique"'), 'RÉACTION, allergique !', 'fr')).toEqual([
      '"réaction allergique"',
    ]);
  });

  it('reports terms in plan order and spelling', () => {
    const trigger = vocabulary('boycott', 'arnaqu*', 'scam');
    expect(findCrisisTerms(trigger, 'SCAM: on a été arnaqués, boycott !', 'fr')).toEqual([
      'boycott',
      'arnaqu*',
      'scam',
    ]);
  });
});

describe(compileCrisisTerm.name, () => {
  it('reads a prefix, a quoted phrase and a plain phrase', () => {
    expect(compileCrisisTerm('brûl*').words).toEqual([{ kind: 'prefix', folded: 'brul' }]);
    expect(compileCrisisTerm('"Rappel produit"').words).toEqual([
      { kind: 'exact', folded: 'rappel' },
      { kind: 'exact', folded: 'produit' },
    ]);
    expect(compileCrisisTerm('réactions allergiques').words.map((word) => word.kind)).toEqual(['forms', 'forms']);
  });
});

describe(describeCrisisTerm.name, () => {
  it.each([
    { term: 'brûl*', expected: 'brûl* → brul…' },
    { term: '"rappel produit"', expected: '"rappel produit" → "rappel" + "produit"' },
    { term: 'brûlure', expected: 'brûlure → fr brulur- / en brulure-' },
    { term: 'poisoning', expected: 'poisoning → fr poisoning- / en poison-' },
  ])('shows how $term matches', ({ term, expected }) => {
    expect(describeCrisisTerm(term)).toBe(expected);
  });
});

describe('crisisTermSchema', () => {
  it.each(['brûl*', '"rappel produit"', 'réaction allergique', 'arnaqu* en ligne'])('accepts %s', (term) => {
    expect(crisisTermSchema.safeParse(term).success).toBe(true);
  });

  it.each([
    { term: 'br*', message: /three letters/ },
    { term: '*lure', message: /three letters/ },
    { term: '"brûl*"', message: /quoted phrase is exact/ },
    { term: 'rappel "produit"', message: /quote the whole phrase/ },
  ])('rejects $term', ({ term, message }) => {
    const parsed = crisisTermSchema.safeParse(term);
    expect(parsed.success ? '' : parsed.error.issues[0]?.message).toMatch(message);
  });
});
