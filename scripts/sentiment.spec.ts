import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { labelLine, parseCliArguments } from './sentiment';

const REPO_ROOT = join(__dirname, '..');

function runCli(args: readonly string[], input: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/sentiment.ts', ...args], {
    cwd: REPO_ROOT,
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe(parseCliArguments.name, () => {
  it.each([
    [[], 'auto'],
    [['--lang', 'fr'], 'fr'],
    [['--lang=en'], 'en'],
    [['--lang', 'auto'], 'auto'],
  ])('reads %j as %s', (argv, lang) => {
    expect(parseCliArguments(argv)).toEqual({ ok: true, lang });
  });

  it.each([
    [['--lang', 'de'], /--lang expects fr, en or auto, got "de"/],
    [['--lang'], /got nothing/],
    [['--verbose'], /unknown argument "--verbose"/],
  ])('rejects %j', (argv, message) => {
    const parsed = parseCliArguments(argv);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});

describe(labelLine.name, () => {
  it.each([
    ['Quelle arnaque, remboursez-nous !', 'fr', 'negative'],
    ['Worst service ever, total scam', 'en', 'negative'],
    ['', 'auto', 'neutral'],
  ] as const)('labels %j with --lang %s as %s', (line, lang, label) => {
    expect(labelLine(line, lang)).toBe(label);
  });
});

describe('sentiment CLI', () => {
  it('writes one label per input line, in order, empty lines included', () => {
    const child = runCli(['--lang', 'auto'], 'Quelle honte, une arnaque !!!\n\nI love it, thank you so much 😍\n   \n');
    expect(child.status).toBe(0);
    expect(child.stdout).toBe('negative\nneutral\npositive\nneutral\n');
  });

  it('labels a last line without a newline', () => {
    expect(runCli(['--lang', 'en'], 'total scam').stdout).toBe('negative\n');
  });

  it('exits 2 with the usage on stderr for a bad flag, and prints nothing on stdout', () => {
    const child = runCli(['--lang', 'xx'], 'bonjour\n');
    expect(child.status).toBe(2);
    expect(child.stdout).toBe('');
    expect(child.stderr).toMatch(/usage: npm run -s sentiment/);
  });
});
