import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { sentimentSchema } from '@tocsin/domain';
import { analyzeSentiment, prepareSentiment } from './analyze-sentiment';

const REPO_ROOT = join(__dirname, '..', '..', '..');

describe(analyzeSentiment.name, () => {
  it.each([
    ['Quelle arnaque ce service client, remboursez-moi !!!', 'fr', 'negative'],
    ['Je ne suis pas du tout content de ma commande 😡', 'fr', 'negative'],
    ['Scandale : la marque refuse le remboursement, honte à eux #boycott', 'fr', 'negative'],
    ["Merci pour votre accueil, c'était génial 😍", 'fr', 'positive'],
    ['Bravo à toute l’équipe, super travail !', 'fr', 'positive'],
    ['Worst customer service ever, total scam. I want a refund', 'en', 'negative'],
    ["I don't like this at all, so disappointed 😡", 'en', 'negative'],
    ['Thank you so much, I love it! ❤️', 'en', 'positive'],
    ['Congrats to the whole team, amazing work :)', 'en', 'positive'],
  ])('labels %j (%s) %s', (text, lang, label) => {
    const sentiment = analyzeSentiment(text);
    expect(sentiment.lang).toBe(lang);
    expect(sentiment.label).toBe(label);
    expect(sentiment.confidence).toBeGreaterThan(0.5);
  });

  it.each([
    ['Je ne suis pas content', 'pas content'],
    ["C'est une arnaque", 'arnaque'],
    ['Livraison encore en retard 😡', '😡'],
    ["I'm not happy with this", 'not happy'],
    ['Total scam, worst airline', 'scam'],
  ])('names the deciding cue of %j', (text, cue) => {
    expect(analyzeSentiment(text).cues).toContain(cue);
  });

  it.each([
    ['empty', ''],
    ['whitespace', ' \n\t  '],
    ['punctuation only', '!!! ??? ...'],
    ['binary junk', '\u0000\u0001\u0002\u0003\ufffd\ufffd\ufffd%%%$$$'],
    ['a lone surrogate', '\ud83d'],
    ['placeholders only', '@user http'],
  ])('returns neutral, zero confidence and und for %s', (_, text) => {
    expect(analyzeSentiment(text)).toEqual({ lang: 'und', label: 'neutral', score: 0, confidence: 0, cues: [] });
  });

  it.each([
    ['100 KB of text', 'nul '.repeat(25_000)],
    ['mixed scripts', 'Привет 你好 مرحبا bonjour hello 😀'],
    ['a non-string at runtime', 42 as unknown as string],
  ])('returns a valid sentiment for %s', (_, text) => {
    expect(() => sentimentSchema.parse(analyzeSentiment(text))).not.toThrow();
  });

  it('keeps the work bounded on 100 KB of text', () => {
    const started = performance.now();
    analyzeSentiment('arnaque honteuse '.repeat(6000));
    expect(performance.now() - started).toBeLessThan(500);
  });

  it.each([
    ['fr-FR', 'fr'],
    ['en', 'en'],
  ])('takes the language hint %s as %s', (hint, lang) => {
    expect(analyzeSentiment('ok', { lang: hint }).lang).toBe(lang);
  });

  it('halves confidence when the language is undetermined', () => {
    const hinted = analyzeSentiment('scam 😡', { lang: 'en' });
    const unknown = analyzeSentiment('scam 😡');
    expect(unknown.lang).toBe('und');
    expect(unknown.confidence).toBeCloseTo(hinted.confidence / 2, 1);
  });

  it('scores a tweet mixing both languages', () => {
    const sentiment = analyzeSentiment('the delivery was late, vraiment nul et décevant');
    expect(sentiment.label).toBe('negative');
  });

  it('keeps score and label consistent', () => {
    for (const text of ['génial', 'nul', 'le train part', 'great', 'awful', 'the train leaves']) {
      const { label, score } = analyzeSentiment(text);
      if (label === 'positive') expect(score).toBeGreaterThan(0);
      if (label === 'negative') expect(score).toBeLessThan(0);
    }
  });
});

describe('questions, service replies and plain information', () => {
  it.each([
    ['Le pass mensuel @voltaway_help est rentabilisé en une semaine, trop bien', 'positive'],
    ['Bonjour, nous sommes désolés ! Envoyez-nous l’identifiant de la trottinette en privé.', 'neutral'],
    ['Est-ce que Fleurie Cosmetics livre en Belgique ?', 'neutral'],
    ['Comparatif des marques bio : Fleurie, Sephora et les autres, qui s’en sort le mieux ?', 'neutral'],
    ['Combien coûte la minute chez Voltaway maintenant ?', 'neutral'],
    ['Nous sommes profondément désolés. Écrivez-nous en message privé, nous vous rembourserons.', 'neutral'],
    ['Qui d’autre a eu des plaques rouges avec Fleurie ?? On est nombreuses apparemment 😡', 'negative'],
    ['Pourquoi mon remboursement n’est toujours pas arrivé ??', 'negative'],
  ])('labels %j %s (fr)', (text, label) => {
    expect(analyzeSentiment(text, { lang: 'fr' }).label).toBe(label);
  });

  it.each([
    ['Hi, really sorry about that! DM us the scooter ID and we will look into it right away.', 'neutral'],
    ['Thanks for flagging, a street team is on its way.', 'neutral'],
    ['Does Fleurie Cosmetics ship to Canada?', 'neutral'],
    ['Does the Voltaway monthly pass work in every city?', 'neutral'],
    ['The new Voltaway app is so smooth, well done 🔥', 'positive'],
    ['Why is my refund still not here?? 3 weeks @voltaway', 'negative'],
  ])('labels %j %s (en)', (text, label) => {
    expect(analyzeSentiment(text, { lang: 'en' }).label).toBe(label);
  });

  it('gives the form as the reason when it overrules the model', () => {
    expect(analyzeSentiment('Comparatif des marques bio : qui s’en sort le mieux ?', { lang: 'fr' }).cues).toEqual([
      'question',
    ]);
    expect(
      analyzeSentiment('We are so sorry about this terrible delay, please DM us your order number', { lang: 'en' })
        .cues,
    ).toEqual(['service reply']);
    expect(
      analyzeSentiment('Nous sommes désolés ! Envoyez-nous l’identifiant de la trottinette', { lang: 'fr' }).cues,
    ).toEqual(['service reply']);
  });
});

describe('cues', () => {
  const confidenceIn = (text: string, lang: string, label: string): number => {
    const sentiment = analyzeSentiment(text, { lang });
    return sentiment.label === label ? sentiment.confidence : 0;
  };

  it.each([
    ['Le pass mensuel est rentabilisé en une semaine, trop bien', 'fr'],
    ['Service client injoignable depuis 3 jours, quelle honte 😡', 'fr'],
    ['Mon colis est arrivé avec le flacon cassé, pas génial', 'fr'],
    ['Obsessed with this moisturiser, my skin is so soft 😍', 'en'],
    ['Battery died after 5 minutes, worst scooter ever', 'en'],
  ])('are words without which %j would be less sure of its label', (text, lang) => {
    const { label, confidence, cues } = analyzeSentiment(text, { lang });
    expect(cues.length).toBeGreaterThan(0);
    for (const cue of cues) {
      const words = cue.replace(/^[¬#]/, '').split(' ');
      const without = words.reduce((rest, word) => rest.replace(word, ' '), text);
      expect({ cue, lessSure: confidenceIn(without, lang, label) < confidence }).toEqual({ cue, lessSure: true });
    }
  });

  it('never names the brand handle, which the model does not see', () => {
    const { cues } = analyzeSentiment('@voltaway_help le pass mensuel est rentabilisé, trop bien', { lang: 'fr' });
    expect(cues.join(' ')).not.toMatch(/voltaway|help/i);
  });

  it('does not name a word that pushed the other way', () => {
    const { label, cues } = analyzeSentiment('Le pass mensuel est rentabilisé en une semaine, trop bien', {
      lang: 'fr',
    });
    expect(label).toBe('positive');
    expect(cues).not.toContain('pass');
  });
});

describe('loading @tocsin/sentiment', () => {
  it('prints nothing to stdout', () => {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '-e', "require('./libs/sentiment/src/index.ts').analyzeSentiment('pas content')"],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 },
    );
    expect(child.status).toBe(0);
    expect(child.stdout).toBe('');
  });
});

describe('the shipped model', () => {
  it('fits the feature extraction of this build', () => {
    expect(() => prepareSentiment()).not.toThrow();
  });
});
