import { Logger, type Provider } from '@nestjs/common';
import { PlanSource } from './plan.source';

/** The app's PlanSource for `planFile`, logging as "plan"; the app starts and stops it. */
export function planSourceProvider(planFile: string): Provider {
  return { provide: PlanSource, useFactory: () => new PlanSource(planFile, new Logger('plan')) };
}
