import { applyReload, formatPlanError, loadPlanFile, type ActivePlan } from '@tocsin/crisis-plan';
import { compileBrandMatcher, TocsinError, type BrandMatcher } from '@tocsin/domain';
import { watch, type FSWatcher } from 'node:fs';

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
  ) {}

  async start(options: { watch: boolean }): Promise<void> {
    const result = await loadPlanFile(this.file);
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
    const outcome = applyReload(this.active, await loadPlanFile(this.file));
    if (outcome.applied) {
      this.install(outcome.active);
      this.logger.log(outcome.message);
    } else this.logger.warn(outcome.message);
    return outcome.applied;
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
