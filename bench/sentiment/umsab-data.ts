import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SupportedLanguage } from '@tocsin/sentiment';

/** One labelled UMSAB split: texts and labels 0 negative, 1 neutral, 2 positive. */
export interface LabelledSplit {
  readonly texts: string[];
  readonly labels: number[];
}

const FOLDERS: Readonly<Record<SupportedLanguage, string>> = { fr: 'french', en: 'english' };

/** Default data folder: `../shared/data` beside the repository root. */
export const DEFAULT_DATA_DIR = resolve(__dirname, '..', '..', '..', 'shared', 'data');

function readLines(path: string): string[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Reads `umsab/<language>/<split>_{text,labels}.txt` and checks that the two files agree. */
export function readUmsabSplit(
  dataDir: string,
  lang: SupportedLanguage,
  split: 'train' | 'val' | 'test',
): LabelledSplit {
  const folder = join(dataDir, 'umsab', FOLDERS[lang]);
  const texts = readLines(join(folder, `${split}_text.txt`));
  const labels = readLines(join(folder, `${split}_labels.txt`)).map((line, index) => {
    const label = Number(line.trim());
    if (label !== 0 && label !== 1 && label !== 2)
      throw new Error(`${folder}/${split}_labels.txt:${index + 1}: expected 0, 1 or 2, got "${line}"`);
    return label;
  });
  if (texts.length !== labels.length) {
    throw new Error(
      `${folder}: ${split}_text.txt has ${texts.length} lines but ${split}_labels.txt has ${labels.length}`,
    );
  }
  return { texts, labels };
}

/** Reads `--name value` from argv, or the fallback. */
export function readFlag(argv: readonly string[], name: string, fallback: string): string {
  const at = argv.indexOf(`--${name}`);
  const value = at >= 0 ? argv[at + 1] : undefined;
  return value ?? fallback;
}
