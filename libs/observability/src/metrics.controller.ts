import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { TocsinMetrics } from './tocsin-metrics';

/**
 * Prometheus scrape endpoint of the apps with an HTTP API: the text exposition format, not JSON.
 * Injected by token, so it also runs under tsx (no decorator metadata).
 */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(TocsinMetrics) private readonly metrics: TocsinMetrics) {}

  @Get()
  async scrape(@Res() response: Response): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    response.type(contentType).send(body);
  }
}
