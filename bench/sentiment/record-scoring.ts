import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { format } from 'prettier';
import type { Sentiment } from '@tocsin/domain';
import { SUPPORTED_LANGUAGES, analyzeSentiment } from '@tocsin/sentiment';
import { DEFAULT_DATA_DIR, readFlag, readUmsabSplit } from './umsab-data';

/** The mentions `scored-mentions.spec.ts` checks the analyzer's outputs on. */
export const SCORED_MENTIONS_FILE = resolve(
  __dirname,
  '..',
  '..',
  'libs',
  'sentiment',
  'src',
  'fixtures',
  'scored-mentions.json',
);

interface ScoredMention {
  readonly text: string;
  readonly lang: string | null;
  readonly hinted: Sentiment;
  readonly detected: Sentiment;
}

function score(text: string, lang: string | null): Pick<ScoredMention, 'hinted' | 'detected'> {
  return { hinted: analyzeSentiment(text, lang === null ? {} : { lang }), detected: analyzeSentiment(text) };
}

/** Rewrites the fixture's outputs from this build's analyzer; its texts and hints stay. */
async function recordFixture(): Promise<void> {
  const { mentions } = JSON.parse(readFileSync(SCORED_MENTIONS_FILE, 'utf8')) as { mentions: ScoredMention[] };
  const rescored = mentions.map(({ text, lang }) => ({ text, lang, ...score(text, lang) }));
  const changed = rescored.filter((mention, i) => JSON.stringify(mention) !== JSON.stringify(mentions[i])).length;
  writeFileSync(SCORED_MENTIONS_FILE, await format(JSON.stringify({ mentions: rescored }), { parser: 'json' }));
  process.stdout.write(`${SCORED_MENTIONS_FILE}: ${rescored.length} mentions, ${changed} with new outputs\n`);
}

/**
 * A digest of every output on UMSAB train and val, in both languages, with the language hint
 * and detected: the same digest before and after a change means the same labels, scores,
 * confidences and cues on all of them.
 */
function digestUmsab(dataDir: string): void {
  const hash = createHash('sha256');
  let outputs = 0;
  for (const lang of SUPPORTED_LANGUAGES) {
    for (const split of ['train', 'val'] as const) {
      for (const text of readUmsabSplit(dataDir, lang, split).texts) {
        const { hinted, detected } = score(text, lang);
        hash.update(`${JSON.stringify(hinted)}\n${JSON.stringify(detected)}\n`);
        outputs += 2;
      }
    }
  }
  process.stdout.write(`UMSAB train + val (${dataDir}): ${outputs} outputs, sha256 ${hash.digest('hex')}\n`);
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--fixture')) await recordFixture();
  else digestUmsab(resolve(readFlag(argv, 'data', DEFAULT_DATA_DIR)));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`record-scoring: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
