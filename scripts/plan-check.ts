import { describeCrisisTerm, formatPlanError, loadPlanFile, type PlanLoadResult } from '@tocsin/crisis-plan';

const USAGE = 'usage: npm run -s plan:check -- <plan.yaml> [more.yaml …]';

function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/**
 * The verdict for a valid plan, then how each crisis term matches (its stems in French and
 * English, or its prefix), so a CM sees what "brûlure" catches before it pages anyone; one line
 * per error for an invalid plan.
 */
export function describePlanCheck(result: PlanLoadResult): string[] {
  if (!result.ok) return result.errors.map(formatPlanError);
  const { plan } = result;
  const counts = [
    plural(plan.brands.length, 'brand'),
    plural(plan.levels.length, 'level'),
    plural(plan.triggers.length, 'trigger'),
    plural(plan.people.length, 'person', 'people'),
    plural(plan.schedules.length, 'schedule'),
  ];
  const terms = plan.triggers.flatMap((trigger) =>
    trigger.kind === 'crisis-vocabulary'
      ? [`  ${trigger.id}:`, ...trigger.terms.map((term) => `    ${describeCrisisTerm(term)}`)]
      : [],
  );
  return [
    `${result.file}: OK — ${counts.join(', ')}`,
    ...(terms.length > 0 ? ['crisis terms match words with these stems (-) or starts (…):', ...terms] : []),
  ];
}

/**
 * Validates plan files without starting anything (like `promtool check config`).
 * Exit code: 0 all valid, 1 some plan invalid, 2 usage error.
 */
export async function runPlanCheck(args: readonly string[]): Promise<{ exitCode: 0 | 1 | 2; lines: string[] }> {
  const files = args.filter((arg) => arg !== '--');
  if (files.length === 0 || files.some((arg) => arg.startsWith('-'))) return { exitCode: 2, lines: [USAGE] };
  const results = await Promise.all(files.map(loadPlanFile));
  return { exitCode: results.every((result) => result.ok) ? 0 : 1, lines: results.flatMap(describePlanCheck) };
}

if (require.main === module) {
  void runPlanCheck(process.argv.slice(2)).then(({ exitCode, lines }) => {
    const out = exitCode === 0 ? process.stdout : process.stderr;
    out.write(lines.map((line) => `${line}\n`).join(''));
    process.exitCode = exitCode;
  });
}
