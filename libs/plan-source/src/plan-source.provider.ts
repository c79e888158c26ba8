import { Logger, type Provider } from '@nestjs/common';
import { PlanSource, type PlanCheck } from './plan.source';

/** The app's PlanSource for `planFile`, logging as "plan"; the app starts and stops it. */
export function planSourceProvider(planFile: string, check?: PlanCheck): Provider {
  return { provide: PlanSource, useFactory: () => new PlanSource(planFile, new Logger('plan'), check) };
}
