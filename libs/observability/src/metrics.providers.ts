import type { Provider } from '@nestjs/common';
import { KAFKA_TELEMETRY } from '@tocsin/kafka';
import { TocsinMetrics } from './tocsin-metrics';

/** The app's metrics (by class) and the Kafka adapters' telemetry bound to them. */
export function metricsProviders(app: string): Provider[] {
  return [
    { provide: TocsinMetrics, useFactory: () => new TocsinMetrics(app) },
    { provide: KAFKA_TELEMETRY, useFactory: (metrics: TocsinMetrics) => metrics.kafka, inject: [TocsinMetrics] },
  ];
}
