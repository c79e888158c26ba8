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
      first: 'config/crisis-plan.example.yaml: OK — 2 brands, 3 levels, 7 triggers, 7 people, 2 schedules',
    });
    expect(lines).toEqual(
      expect.arrayContaining(['  product-safety:', '    brûl* → brul…', '    recall → fr recall- / en recal-']),
    );
  });

  it('reports every schedule of the example plan covered over the year, with no overlap', () => {
    const run = planCheck('--from', '2026-01-01', 'config/crisis-plan.example.yaml');
    const lines = run.stdout.trim().split('\n');
    expect({
      status: run.status,
      coverage: lines.slice(lines.indexOf('on-call coverage 2026-01-01 → 2027-01-01, Europe/Paris time:')),
    }).toEqual({
      status: 0,
      coverage: [
        'on-call coverage 2026-01-01 → 2027-01-01, Europe/Paris time:',
        '  social-care: OK — no gap, no overlap',
        '  managers: OK — no gap, no overlap',
      ],
    });
  });

  it('exits 1 with the dated DST gaps of a round-the-clock rota, and only counts those of an office-hours one', () => {
    const run = planCheck('--from', '2026-01-01', 'config/test/dst-gap-plan.yaml');
    const lines = run.stderr.trim().split('\n');
    expect({ status: run.status, lines: lines.slice(lines.findIndex((line) => line.startsWith('on-call'))) }).toEqual({
      status: 1,
      lines: [
        'on-call coverage 2026-01-01 → 2027-01-01, Europe/Paris time:',
        '  social-care: FAIL — 28 gaps (1,680 min) with nobody on call, 28 overlaps (1,680 min) paging several people',
        '    gaps:',
        '      21:00–22:00 every day 2026-03-08 … 2026-03-28 (21 gaps, 1,260 min)',
        '      21:00–22:00 every day 2026-10-25 … 2026-10-31 (7 gaps, 420 min)',
        '    overlaps:',
        '      13:00–14:00 every day 2026-03-08 … 2026-03-28 (21 overlaps, 1,260 min): camille, emilie',
        '      13:00–14:00 every day 2026-10-25 … 2026-10-31 (7 overlaps, 420 min): camille, emilie',
        '  office: note — 262 gaps (384,660 min) with nobody on call, no overlap (coverage: partial)',
      ],
    });
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

  it('exits 2 with the usage when --from is not a date', () => {
    const run = planCheck('--from', 'tomorrow', 'config/crisis-plan.example.yaml');
    expect({ status: run.status, usage: run.stderr.startsWith('usage:') }).toEqual({ status: 2, usage: true });
  });

  it('exits 2 with the usage when no file is given', () => {
    const run = planCheck();
    expect({ status: run.status, usage: run.stderr.startsWith('usage:') }).toEqual({ status: 2, usage: true });
  });
});
