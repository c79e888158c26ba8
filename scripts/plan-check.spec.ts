import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** Runs the real CLI as a user would, from the repository root. */
function planCheck(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(TSX, ['scripts/plan-check.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('plan-check', () => {
  it('exits 0 with a summary and how each crisis term matches when the plan is valid', () => {
    const run = planCheck('config/crisis-plan.example.yaml');
    const lines = run.stdout.trim().split('\n');
    expect({ status: run.status, stderr: run.stderr, first: lines[0] }).toEqual({
      status: 0,
      stderr: '',
      first: 'config/crisis-plan.example.yaml: OK — 2 brands, 3 levels, 6 triggers, 7 people, 2 schedules',
    });
    expect(lines).toEqual(
      expect.arrayContaining(['  product-safety:', '    brûl* → brul…', '    recall → fr recall- / en recal-']),
    );
  });

  it('exits 1 listing every error with file and path when the plan is invalid', () => {
    const run = planCheck('config/test/invalid/escalation-delays.yaml');
    expect({ status: run.status, lines: run.stderr.trim().split('\n') }).toEqual({
      status: 1,
      lines: [
        'config/test/invalid/escalation-delays.yaml: escalation.crisis.steps[0].targets[0].schedule: unknown schedule "oncall" (line 29, column 59)',
        'config/test/invalid/escalation-delays.yaml: escalation.crisis.steps[2].afterMs: must be > 0 (line 31, column 34)',
      ],
    });
  });

  it('exits 2 with the usage when no file is given', () => {
    const run = planCheck();
    expect({ status: run.status, usage: run.stderr.startsWith('usage:') }).toEqual({ status: 2, usage: true });
  });
});
