import { Logger } from '@nestjs/common';
import { triggerHitSchema } from '@tocsin/crisis-plan';
import { spikeSignalSchema, TOPICS, type Clock, type SignalMetric, type SpikeSignal } from '@tocsin/domain';
import { consumeTopic, type BatchConsumerRunner, type ConsumerWiring } from '@tocsin/kafka';
import type { RecentSignalsStore } from '@tocsin/redis';
import { z } from 'zod';
import type { AlertService } from './alert.service';
import { LiveFeedBatch } from './live-feed';
import type { MentionsGateway } from './mentions.gateway';

/** alerts.signals carries trigger hits and the detector's verdicts; only hits open alerts. */
export const alertSignalSchema = z.discriminatedUnion('kind', [triggerHitSchema, spikeSignalSchema]);
export type AlertSignal = z.infer<typeof alertSignalSchema>;

/** What the wall charts: how much a brand is talked about, and how much of it is negative. */
const CHARTED_METRICS: readonly SignalMetric[] = ['volume', 'negativeVolume'];

export interface AlertSignalsDependencies {
  alerts: AlertService;
  gateway: MentionsGateway;
  recentSignals: RecentSignalsStore;
  groupId: string;
  clock: Clock;
  /** Verdicts on intervals older than this are history: they are not charted live. */
  liveMaxAgeMs: number;
}

/**
 * alerts.signals → alert lifecycle, and the live volume verdicts → the brands' walls. Hits are
 * applied in partition order, so one brand's in order.
 */
export function createAlertSignalsConsumer(
  wiring: ConsumerWiring,
  deps: AlertSignalsDependencies,
): BatchConsumerRunner<AlertSignal> {
  return consumeTopic(wiring, {
    groupId: `${deps.groupId}-alerts`,
    topic: TOPICS.alertsSignals,
    schema: alertSignalSchema,
    logger: new Logger('alert-signals'),
    handle: async (batch) => {
      const liveSinceMs = deps.clock.now() - deps.liveMaxAgeMs;
      const charted = new LiveFeedBatch<SpikeSignal>();
      for (const { value } of batch.items) {
        if (value.kind === 'trigger') await deps.alerts.handleHit(value);
        else if (CHARTED_METRICS.includes(value.metric) && Date.parse(value.intervalEnd) >= liveSinceMs) {
          charted.add(value.brandId, value);
        }
      }
      await charted.storeThenDeliver(deps.recentSignals, (_brandId, signal) => deps.gateway.deliverSignal(signal));
    },
  });
}
