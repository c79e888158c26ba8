import { formatPlanPath } from '@tocsin/crisis-plan';
import { parseDocument } from 'yaml';
import type { ZodIssue } from 'zod';
import { sourcesFileSchema, type Source } from './sources.schema';

/** One thing wrong with a sources file: the file, the path in it, what is wrong. */
export interface SourcesError {
  file: string;
  path: string;
  message: string;
}

export type SourcesLoadResult =
  { ok: true; file: string; sources: Source[] } | { ok: false; file: string; errors: SourcesError[] };

/** "config/sources.yaml: sources[2].url: expected a ws or wss URL". */
export function formatSourcesError(error: SourcesError): string {
  return `${error.file}: ${error.path}: ${error.message}`;
}

function describeIssue(issue: ZodIssue): Array<{ path: (string | number)[]; message: string }> {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: [...issue.path, key],
      message: 'unknown key (check the spelling: sources files are strict)',
    }));
  }
  if (issue.code === 'invalid_type' && issue.received === 'undefined')
    return [{ path: issue.path, message: 'is required' }];
  if (issue.code === 'invalid_union_discriminator') {
    return [{ path: issue.path, message: `expected one of ${issue.options.map((o) => `"${String(o)}"`).join(', ')}` }];
  }
  return [{ path: issue.path, message: issue.message }];
}

/** Rules across fields: ids name a source's lease and checkpoint, so they must be unique. */
function checkSourceRules(sources: readonly Source[]): Array<{ path: (string | number)[]; message: string }> {
  const issues: Array<{ path: (string | number)[]; message: string }> = [];
  const firstIndex = new Map<string, number>();
  sources.forEach((source, index) => {
    const seen = firstIndex.get(source.id);
    if (seen === undefined) firstIndex.set(source.id, index);
    else
      issues.push({ path: ['sources', index, 'id'], message: `"${source.id}" is already the id of sources[${seen}]` });
    if (source.kind === 'mastodon' && source.timeline === 'hashtag' && source.hashtag === undefined) {
      issues.push({ path: ['sources', index, 'hashtag'], message: 'is required when timeline is "hashtag"' });
    }
    if (source.kind === 'mastodon' && source.timeline === 'public' && source.hashtag !== undefined) {
      issues.push({ path: ['sources', index, 'hashtag'], message: 'only applies when timeline is "hashtag"' });
    }
  });
  return issues;
}

/**
 * Parses and validates a sources file from YAML text. Pure: `fileName` only labels the errors.
 * Reports every syntax error, else every shape error, else every cross-field rule broken.
 */
export function parseSources(yamlText: string, fileName: string): SourcesLoadResult {
  const doc = parseDocument(yamlText, { uniqueKeys: true });
  const toErrors = (issues: Array<{ path: (string | number)[]; message: string }>): SourcesError[] =>
    issues.map((issue) => ({ file: fileName, path: formatPlanPath(issue.path), message: issue.message }));
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((error) => ({
      file: fileName,
      path: '(document)',
      message: `YAML syntax error: ${error.message.split('\n')[0] ?? error.code}`,
    }));
    return { ok: false, file: fileName, errors };
  }
  if (doc.contents === null) {
    return { ok: false, file: fileName, errors: [{ file: fileName, path: '(root)', message: 'the file is empty' }] };
  }
  const parsed = sourcesFileSchema.safeParse(doc.toJS());
  if (!parsed.success)
    return { ok: false, file: fileName, errors: toErrors(parsed.error.issues.flatMap(describeIssue)) };
  const broken = checkSourceRules(parsed.data.sources);
  if (broken.length > 0) return { ok: false, file: fileName, errors: toErrors(broken) };
  return { ok: true, file: fileName, sources: parsed.data.sources };
}
