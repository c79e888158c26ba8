import { Logger } from '@nestjs/common';
import { triggerHitSchema } from '@tocsin/crisis-plan';
import { spikeSignalSchema, TOPICS } from '@tocsin/domain';
import { consumeTopic, type BatchConsumerRunner, type ConsumerWiring } from '@tocsin/kafka';
import { z } from 'zod';
import type { AlertService } from './alert.service';

/** alerts.signals carries trigger hits and the detector's verdicts; only hits open alerts. */
export const alertSignalSchema = z.discriminatedUnion('kind', [triggerHitSchema, spikeSignalSchema]);
export type AlertSignal = z.infer<typeof alertSignalSchema>;

/** alerts.signals → alert lifecycle. Hits are applied in partition order, so one brand's in order. */
export function createAlertSignalsConsumer(
  wiring: ConsumerWiring,
  deps: { alerts: AlertService; groupId: string },
): BatchConsumerRunner<AlertSignal> {
  return consumeTopic(wiring, {
    groupId: `${deps.groupId}-alerts`,
    topic: TOPICS.alertsSignals,
    schema: alertSignalSchema,
    logger: new Logger('alert-signals'),
    handle: async (batch) => {
      for (const { value } of batch.items) {
        if (value.kind === 'trigger') await deps.alerts.handleHit(value);
      }
    },
  });
}
