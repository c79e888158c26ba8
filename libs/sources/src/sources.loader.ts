import { readFile } from 'node:fs/promises';
import { parseSources, type SourcesLoadResult } from './sources.parse';

/** Reads and validates a sources file; a missing file is reported like any other error. */
export async function loadSourcesFile(path: string): Promise<SourcesLoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      file: path,
      errors: [{ file: path, path: '(file)', message: `cannot read the file: ${reason}` }],
    };
  }
  return parseSources(text, path);
}
