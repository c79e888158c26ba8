import {
  applyReload,
  formatPlanError,
  formatPlanPath,
  loadPlanFile,
  type ActivePlan,
  type CrisisPlan,
  type PlanIssue,
  type PlanLoadResult,
} from '@tocsin/crisis-plan';
import { compileBrandMatcher, TocsinError, type BrandMatcher } from '@tocsin/domain';
import { watch, type FSWatcher } from 'node:fs';

/** What an app checks beyond the plan's own rules (e.g. that its webhooks' secrets can be read). */
export type PlanCheck = (plan: CrisisPlan) => PlanIssue[];

export interface PlanSourceLogger {
  log(message: string): void;
  warn(message: string): void;
}

/**
 * The crisis plan in force, loaded at start-up (an invalid plan stops the app) and reloaded
 * when the file changes or on SIGHUP. An invalid reload keeps the last good plan and says why.
 */
export class PlanSource {
  private active: ActivePlan | undefined;
  private matchers: BrandMatcher[] = [];
  private watcher: FSWatcher | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  private readonly onHangup = (): void => void this.reload();

  constructor(
    private readonly file: string,
    private readonly logger: PlanSourceLogger,
    private readonly check?: PlanCheck,
  ) {}

  async start(options: { watch: boolean }): Promise<void> {
    const result = await this.load();
    if (!result.ok) {
      const lines = result.errors.map(formatPlanError).join('\n  ');
      throw new TocsinError('invalid_plan', `crisis plan ${this.file} is invalid:\n  ${lines}`);
    }
    this.install(applyReload(undefined, result).active);
    this.logger.log(`crisis plan ${this.file} version ${result.version} loaded`);
    if (!options.watch) return;
    // Editors replace files by rename; debouncing folds their burst of events into one reload.
    this.watcher = watch(this.file, () => {
      clearTimeout(this.reloadTimer);
      this.reloadTimer = setTimeout(() => void this.reload(), 200);
    });
    process.on('SIGHUP', this.onHangup);
  }

  async reload(): Promise<boolean> {
    const outcome = applyReload(this.active, await this.load());
    if (outcome.applied) {
      this.install(outcome.active);
      this.logger.log(outcome.message);
    } else this.logger.warn(outcome.message);
    return outcome.applied;
  }

  /** The file's plan if it passes its rules and this app's check; the same errors either way. */
  private async load(): Promise<PlanLoadResult> {
    const result = await loadPlanFile(this.file);
    const issues = result.ok && this.check ? this.check(result.plan) : [];
    if (!result.ok || issues.length === 0) return result;
    const errors = issues.map((issue) => ({
      file: result.file,
      path: formatPlanPath(issue.path),
      message: issue.message,
    }));
    return { ok: false, file: result.file, errors };
  }

  private install(active: ActivePlan | undefined): void {
    this.active = active;
    this.matchers = (active?.plan.brands ?? []).map(compileBrandMatcher);
  }

  current(): ActivePlan {
    if (!this.active) throw new TocsinError('plan_not_loaded', `crisis plan ${this.file} is not loaded yet`);
    return this.active;
  }

  brandMatchers(): readonly BrandMatcher[] {
    return this.matchers;
  }

  stop(): void {
    clearTimeout(this.reloadTimer);
    this.watcher?.close();
    process.off('SIGHUP', this.onHangup);
  }
}
