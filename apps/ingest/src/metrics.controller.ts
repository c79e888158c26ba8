import { Controller, Get, Res } from '@nestjs/common';
import { TocsinMetrics } from '@tocsin/observability';
import type { Response } from 'express';

/** Prometheus scrape endpoint: the text exposition format, not JSON. */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: TocsinMetrics) {}

  @Get()
  async scrape(@Res() response: Response): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    response.type(contentType).send(body);
  }
}
