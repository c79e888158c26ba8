import { readFile } from 'node:fs/promises';
import { parsePlan, type PlanLoadResult } from './plan.parse';

/**
 * Reads and validates a plan file. The only file I/O of this library; a missing or unreadable
 * file is reported as a plan error rather than thrown, like every other bad input.
 */
export async function loadPlanFile(path: string): Promise<PlanLoadResult> {
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
  return parsePlan(text, path);
}
