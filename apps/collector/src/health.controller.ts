import { Controller, Get, Inject } from '@nestjs/common';
import { COLLECTOR_CONFIG, type CollectorConfig } from './config';
import { SourceCoordinator } from './source.coordinator';
import type { SourceHealth } from './source-status';

export interface CollectorHealth {
  status: 'ok';
  instance: string;
  sources: SourceHealth[];
}

@Controller('health')
export class HealthController {
  constructor(
    @Inject(COLLECTOR_CONFIG) private readonly config: CollectorConfig,
    @Inject(SourceCoordinator) private readonly coordinator: SourceCoordinator,
  ) {}

  /** Every source of the file: who reads it, in what state, its counters and its silence. */
  @Get()
  health(): CollectorHealth {
    return { status: 'ok', instance: this.config.instanceId, sources: this.coordinator.health() };
  }
}
