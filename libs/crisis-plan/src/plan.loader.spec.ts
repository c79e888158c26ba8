import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadPlanFile } from './plan.loader';
import { formatPlanError } from './plan.parse';

const ROOT = join(__dirname, '../../..');
const CONFIG = join(ROOT, 'config');
const INVALID = join(CONFIG, 'test', 'invalid');

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFilesUnder(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

/** Invalid test plans say what they must be rejected for in `# expect: …` header lines. */
function expectedErrors(path: string): string[] {
  return [...readFileSync(path, 'utf8').matchAll(/^# expect: (.+)$/gm)].map((match) => match[1] ?? '');
}

// Sources files (config/sources*.yaml) are the collector's, checked by their own schema.
const files = yamlFilesUnder(CONFIG)
  .map((path) => relative(ROOT, path))
  .filter((file) => !/^config\/sources[^/]*\.ya?ml$/.test(file));
const valid = files.filter((file) => !join(ROOT, file).startsWith(INVALID));
const invalid = files.filter((file) => join(ROOT, file).startsWith(INVALID));

describe(loadPlanFile.name, () => {
  it('finds the example plan and some invalid test plans', () => {
    expect({ example: valid.includes('config/crisis-plan.example.yaml'), invalid: invalid.length > 0 }).toEqual({
      example: true,
      invalid: true,
    });
  });

  it.each(valid)('loads %s without errors', async (file) => {
    const result = await loadPlanFile(join(ROOT, file));
    expect(result.ok ? [] : result.errors.map(formatPlanError)).toEqual([]);
  });

  it.each(invalid)('rejects %s for the reasons its header states', async (file) => {
    const result = await loadPlanFile(join(ROOT, file));
    const reported = result.ok ? '' : result.errors.map(formatPlanError).join('\n');
    const expected = expectedErrors(join(ROOT, file));
    expect({
      hasExpectations: expected.length > 0,
      missing: expected.filter((text) => !reported.includes(text)),
    }).toEqual({ hasExpectations: true, missing: [] });
  });

  it('reports a missing file as a plan error', async () => {
    const result = await loadPlanFile(join(CONFIG, 'no-such-plan.yaml'));
    expect(!result.ok && result.errors[0]?.message).toMatch(/cannot read the file/);
  });
});
