import { LineCounter, parseDocument, type Document } from 'yaml';
import type { ZodIssue } from 'zod';
import { checkPlanRules, type PlanIssue } from './plan-rules';
import { crisisPlanSchema, type CrisisPlan } from './plan.schema';

/** One thing wrong with a plan file, located as precisely as the file allows. */
export interface PlanError {
  file: string;
  /** Dotted path into the document, e.g. "escalation.crisis.steps[2].afterMs"; "(document)" for syntax errors. */
  path: string;
  message: string;
  /** 1-based position in the file, when known. */
  line?: number;
  column?: number;
}

export type PlanLoadResult =
  { ok: true; file: string; plan: CrisisPlan; version: string } | { ok: false; file: string; errors: PlanError[] };

/** The plan in force and where it came from. */
export interface ActivePlan {
  file: string;
  plan: CrisisPlan;
  version: string;
}

/** "config/x.yaml: escalation.crisis.steps[2].afterMs: must be > 0 (line 40, column 18)". */
export function formatPlanError(error: PlanError): string {
  const where = error.line === undefined ? '' : ` (line ${error.line}, column ${error.column ?? 1})`;
  return `${error.file}: ${error.path}: ${error.message}${where}`;
}

/** Renders a path the way a reader of the YAML would write it: `levels[0].playbook`. */
export function formatPlanPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(root)';
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}

/** The deepest node of the document along `path`, so an error about a missing key points at its parent. */
function locate(
  doc: Document,
  lines: LineCounter,
  path: readonly (string | number)[],
): { line: number; column: number } | undefined {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = doc.getIn(path.slice(0, depth), true);
    if (node !== null && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
      const offset: unknown = node.range[0];
      if (typeof offset !== 'number') continue;
      const { line, col } = lines.linePos(offset);
      return { line, column: col };
    }
  }
  return undefined;
}

function describeIssue(issue: ZodIssue): PlanIssue[] {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: [...path, key],
      message: 'unknown key (check the spelling: plans are strict)',
    }));
  }
  if (issue.code === 'invalid_type' && issue.received === 'undefined') return [{ path, message: 'is required' }];
  return [{ path, message: issue.message }];
}

/**
 * Parses and validates a crisis plan from YAML text. Pure: `fileName` only labels the errors.
 * Collects every syntax error, then every shape error, then (if the shape is right) every
 * cross-field rule broken, so one run of plan:check shows all that needs fixing.
 */
export function parsePlan(yamlText: string, fileName: string): PlanLoadResult {
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((error): PlanError => {
      const position = error.linePos?.[0];
      return {
        file: fileName,
        path: '(document)',
        message: `YAML syntax error: ${(error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, '')}`,
        ...(position ? { line: position.line, column: position.col } : {}),
      };
    });
    return { ok: false, file: fileName, errors };
  }
  if (doc.contents === null) {
    return { ok: false, file: fileName, errors: [{ file: fileName, path: '(root)', message: 'the file is empty' }] };
  }
  const toErrors = (issues: PlanIssue[]): PlanError[] =>
    issues
      .map((issue) => ({
        file: fileName,
        path: formatPlanPath(issue.path),
        message: issue.message,
        ...locate(doc, lines, issue.path),
      }))
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));

  const parsed = crisisPlanSchema.safeParse(doc.toJS());
  if (!parsed.success)
    return { ok: false, file: fileName, errors: toErrors(parsed.error.issues.flatMap(describeIssue)) };
  const broken = checkPlanRules(parsed.data);
  if (broken.length > 0) return { ok: false, file: fileName, errors: toErrors(broken) };
  return { ok: true, file: fileName, plan: parsed.data, version: parsed.data.version };
}

/**
 * Decides what a reload does: a valid plan replaces the active one, an invalid one is
 * rejected and the last good plan stays in force. `message` is meant for the operator log.
 */
export function applyReload(
  current: ActivePlan | undefined,
  result: PlanLoadResult,
): { active: ActivePlan | undefined; applied: boolean; message: string } {
  if (result.ok) {
    const active = { file: result.file, plan: result.plan, version: result.version };
    const from = current ? ` (was version ${current.version})` : '';
    return { active, applied: true, message: `${result.file}: plan version ${result.version} is now active${from}` };
  }
  const count = `${result.errors.length} error${result.errors.length === 1 ? '' : 's'}`;
  const first = result.errors[0];
  const detail = first ? `; first: ${formatPlanError(first)}` : '';
  const kept = current ? `keeping plan version ${current.version} from ${current.file}` : 'no plan is active';
  return { active: current, applied: false, message: `${result.file}: reload rejected (${count}), ${kept}${detail}` };
}
