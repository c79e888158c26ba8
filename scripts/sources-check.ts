import { formatSourcesError, loadSourcesFile, type SourcesLoadResult } from '@tocsin/sources';

const USAGE = 'usage: npm run -s sources:check -- <sources.yaml> [more.yaml …]';

/** The one-line verdict for a valid file, or one line per error for an invalid one. */
export function describeSourcesCheck(result: SourcesLoadResult): string[] {
  if (!result.ok) return result.errors.map(formatSourcesError);
  const byKind = new Map<string, number>();
  for (const source of result.sources) byKind.set(source.kind, (byKind.get(source.kind) ?? 0) + 1);
  const counts = [...byKind].map(([kind, count]) => `${count} ${kind}`).join(', ');
  return [
    `${result.file}: OK — ${result.sources.length} source${result.sources.length === 1 ? '' : 's'} (${counts || 'none'})`,
  ];
}

/**
 * Validates sources files without connecting to anything.
 * Exit code: 0 all valid, 1 some file invalid, 2 usage error.
 */
export async function runSourcesCheck(args: readonly string[]): Promise<{ exitCode: 0 | 1 | 2; lines: string[] }> {
  const files = args.filter((arg) => arg !== '--');
  if (files.length === 0 || files.some((arg) => arg.startsWith('-'))) return { exitCode: 2, lines: [USAGE] };
  const results = await Promise.all(files.map(loadSourcesFile));
  return { exitCode: results.every((result) => result.ok) ? 0 : 1, lines: results.flatMap(describeSourcesCheck) };
}

if (require.main === module) {
  void runSourcesCheck(process.argv.slice(2)).then(({ exitCode, lines }) => {
    const out = exitCode === 0 ? process.stdout : process.stderr;
    out.write(lines.map((line) => `${line}\n`).join(''));
    process.exitCode = exitCode;
  });
}
