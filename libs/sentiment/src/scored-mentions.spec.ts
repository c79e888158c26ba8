import type { Sentiment } from '@tocsin/domain';
import { analyzeSentiment } from './analyze-sentiment';
import fixture from './fixtures/scored-mentions.json';

// What the analyzer answered on these mentions (demo-stream posts in both languages and edge
// cases), recorded by `npx tsx bench/sentiment/record-scoring.ts --fixture`. Scoring keeps
// caches across texts, so a faster scorer must give the same answers, in any order; after a
// deliberate change (a retrained model), record the fixture again and review its diff.
const mentions: readonly { text: string; lang: string | null; hinted: Sentiment; detected: Sentiment }[] =
  fixture.mentions.map((mention) => ({
    ...mention,
    hinted: mention.hinted as Sentiment,
    detected: mention.detected as Sentiment,
  }));

describe(analyzeSentiment.name, () => {
  it('gives each recorded mention its recorded answer, with its language hint and without', () => {
    for (const { text, lang, hinted, detected } of mentions) {
      expect({ text, sentiment: analyzeSentiment(text, lang === null ? {} : { lang }) }).toEqual({
        text,
        sentiment: hinted,
      });
      expect({ text, sentiment: analyzeSentiment(text) }).toEqual({ text, sentiment: detected });
    }
  });

  it('gives the recorded answers when the mentions come in reverse order', () => {
    for (const { text, lang, hinted, detected } of [...mentions].reverse()) {
      expect({ text, sentiment: analyzeSentiment(text) }).toEqual({ text, sentiment: detected });
      expect({ text, sentiment: analyzeSentiment(text, lang === null ? {} : { lang }) }).toEqual({
        text,
        sentiment: hinted,
      });
    }
  });
});
