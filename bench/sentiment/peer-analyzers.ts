import NaturalSentimentAnalyzer from 'natural/lib/natural/sentiment/SentimentAnalyzer';
import AggressiveTokenizer from 'natural/lib/natural/tokenizers/aggressive_tokenizer';
import AggressiveTokenizerFr from 'natural/lib/natural/tokenizers/aggressive_tokenizer_fr';
import englishStemmer from 'natural/lib/natural/stemmers/porter_stemmer';
import frenchStemmer from 'natural/lib/natural/stemmers/porter_stemmer_fr';
import Sentiment from 'sentiment';
import { SentimentIntensityAnalyzer } from 'vader-sentiment';
import winkSentiment from 'wink-sentiment';
import multilangSentiment from 'multilang-sentiment';
import { Container } from '@nlpjs/core';
import { LangEn } from '@nlpjs/lang-en';
import { LangFr } from '@nlpjs/lang-fr';
import { SentimentAnalyzer as NlpjsSentimentAnalyzer } from '@nlpjs/sentiment';
import type { SupportedLanguage } from '@tocsin/sentiment';

/** A peer analyzer as the bench drives it: a polarity score per text. */
export interface PeerAnalyzer {
  readonly name: string;
  readonly lang: SupportedLanguage;
  /** Scores a batch; async because @nlpjs answers with promises. */
  scoreAll(texts: readonly string[]): Promise<number[]>;
  /** Slow peers are fitted on the first N train texts and timed on the first M val texts. */
  readonly trainLimit?: number;
  readonly timingLimit?: number;
}

function synchronous(
  name: string,
  lang: SupportedLanguage,
  score: (text: string) => number,
  limits: Partial<PeerAnalyzer> = {},
): PeerAnalyzer {
  return { name, lang, scoreAll: async (texts) => texts.map(score), ...limits };
}

// multilang-sentiment scores about 16 texts/s: fitting it on all of train would take minutes.
const SLOW_PEER_LIMITS = { trainLimit: 300, timingLimit: 40 } as const;

/** The peers installed as devDependencies, in both languages where they support them. */
export function createPeerAnalyzers(): PeerAnalyzer[] {
  const naturalFr = new NaturalSentimentAnalyzer('French', frenchStemmer, 'pattern');
  const naturalEn = new NaturalSentimentAnalyzer('English', englishStemmer, 'afinn');
  const tokenizerFr = new AggressiveTokenizerFr();
  const tokenizerEn = new AggressiveTokenizer();
  const afinn = new Sentiment();
  const container = new Container();
  container.use(LangEn);
  container.use(LangFr);
  const nlpjs = new NlpjsSentimentAnalyzer({ container });
  const nlpjsFor = (lang: SupportedLanguage): PeerAnalyzer => ({
    name: '@nlpjs/sentiment',
    lang,
    async scoreAll(texts) {
      const scores: number[] = [];
      for (const text of texts) scores.push((await nlpjs.process({ locale: lang, text })).sentiment.score);
      return scores;
    },
  });
  return [
    synchronous('natural pattern + Porter fr', 'fr', (text) => naturalFr.getSentiment(tokenizerFr.tokenize(text))),
    synchronous('multilang-sentiment', 'fr', (text) => multilangSentiment(text, 'fr').comparative, SLOW_PEER_LIMITS),
    nlpjsFor('fr'),
    synchronous('natural AFINN + Porter', 'en', (text) => naturalEn.getSentiment(tokenizerEn.tokenize(text))),
    synchronous('sentiment (AFINN-165)', 'en', (text) => afinn.analyze(text).comparative),
    synchronous('vader-sentiment', 'en', (text) => SentimentIntensityAnalyzer.polarity_scores(text).compound),
    synchronous('wink-sentiment', 'en', (text) => winkSentiment(text).normalizedScore),
    synchronous('multilang-sentiment', 'en', (text) => multilangSentiment(text, 'en').comparative, SLOW_PEER_LIMITS),
    nlpjsFor('en'),
  ];
}
