// The peer analyzers ship no types (or only for their index); these declare what the bench calls.
declare module 'natural/lib/natural/sentiment/SentimentAnalyzer' {
  class SentimentAnalyzer {
    constructor(language: string, stemmer: { stem(token: string): string } | null, vocabulary: string);
    getSentiment(words: string[]): number;
  }
  export = SentimentAnalyzer;
}

declare module 'natural/lib/natural/tokenizers/aggressive_tokenizer' {
  class AggressiveTokenizer {
    tokenize(text: string): string[];
  }
  export = AggressiveTokenizer;
}

declare module 'natural/lib/natural/tokenizers/aggressive_tokenizer_fr' {
  class AggressiveTokenizerFr {
    tokenize(text: string): string[];
  }
  export = AggressiveTokenizerFr;
}

declare module 'sentiment' {
  class Sentiment {
    analyze(text: string, options?: { language?: string }): { score: number; comparative: number };
  }
  export = Sentiment;
}

declare module 'vader-sentiment' {
  export const SentimentIntensityAnalyzer: {
    polarity_scores(text: string): { neg: number; neu: number; pos: number; compound: number };
  };
}

declare module 'wink-sentiment' {
  function sentiment(text: string): { score: number; normalizedScore: number };
  export = sentiment;
}

declare module 'multilang-sentiment' {
  function sentiment(text: string, lang: string): { score: number; comparative: number };
  export = sentiment;
}

declare module '@nlpjs/core' {
  export class Container {
    use(plugin: unknown): void;
  }
}

declare module '@nlpjs/lang-en' {
  export const LangEn: unknown;
}

declare module '@nlpjs/lang-fr' {
  export const LangFr: unknown;
}

declare module '@nlpjs/sentiment' {
  import type { Container } from '@nlpjs/core';
  export class SentimentAnalyzer {
    constructor(settings: { container: Container });
    process(input: { locale: string; text: string }): Promise<{ sentiment: { score: number } }>;
  }
}
