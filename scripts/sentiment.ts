import { createInterface } from 'node:readline';
import { analyzeSentiment } from '@tocsin/sentiment';

/** What the command line asked for: a language hint, or auto-detection per line. */
export type CliLanguage = 'fr' | 'en' | 'auto';

export type CliArguments =
  { readonly ok: true; readonly lang: CliLanguage } | { readonly ok: false; readonly error: string };

const USAGE = 'usage: npm run -s sentiment -- [--lang fr|en|auto] < texts.txt';

/** Parses `--lang fr|en|auto` (also `--lang=fr`); anything else is an error with the usage. */
export function parseCliArguments(argv: readonly string[]): CliArguments {
  let lang: CliLanguage = 'auto';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.startsWith('--lang=') ? ['--lang', arg.slice('--lang='.length)] : [arg, undefined];
    if (flag !== '--lang') return { ok: false, error: `unknown argument "${arg}"\n${USAGE}` };
    const value = inline ?? argv[++i];
    if (value !== 'fr' && value !== 'en' && value !== 'auto') {
      return {
        ok: false,
        error: `--lang expects fr, en or auto, got ${value === undefined ? 'nothing' : `"${value}"`}\n${USAGE}`,
      };
    }
    lang = value;
  }
  return { ok: true, lang };
}

/** Labels one line of input; the hint is dropped for auto so each line is detected on its own. */
export function labelLine(line: string, lang: CliLanguage): string {
  return analyzeSentiment(line, lang === 'auto' ? {} : { lang }).label;
}

async function main(): Promise<void> {
  const args = parseCliArguments(process.argv.slice(2));
  if (!args.ok) {
    process.stderr.write(`${args.error}\n`);
    process.exit(2);
  }
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const batch: string[] = [];
  // Writing per line would cost a syscall each; a firehose wants batches.
  for await (const line of lines) {
    batch.push(labelLine(line, args.lang));
    if (batch.length >= 1024) process.stdout.write(`${batch.splice(0).join('\n')}\n`);
  }
  if (batch.length > 0) process.stdout.write(`${batch.join('\n')}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`sentiment: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
