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
