import { Logger } from '@nestjs/common';
import { alertSignalSchema, type AlertSignal } from '@tocsin/crisis-plan';
import { TOPICS, type Clock, type SignalMetric, type SpikeSignal } from '@tocsin/domain';
import { consumeTopic, type BatchConsumerRunner, type ConsumerWiring } from '@tocsin/kafka';
import type { RecentSignalsStore } from '@tocsin/redis';
import { LiveFeedBatch } from './live-feed';
import type { MentionsGateway } from './mentions.gateway';

/** What the wall charts: how much a brand is talked about, and how much of it is negative. */
const CHARTED_METRICS: readonly SignalMetric[] = ['volume', 'negativeVolume'];

export interface SpikeSignalsDependencies {
  gateway: MentionsGateway;
  recentSignals: RecentSignalsStore;
  groupId: string;
  clock: Clock;
  /** Verdicts on intervals older than this are history: they are not charted live. */
  liveMaxAgeMs: number;
}

/** The live volume verdicts of alerts.signals → the brands' walls; trigger hits are the alerter's. */
export function createSpikeSignalsConsumer(
  wiring: ConsumerWiring,
  deps: SpikeSignalsDependencies,
): BatchConsumerRunner<AlertSignal> {
  return consumeTopic(wiring, {
    groupId: `${deps.groupId}-signals`,
    topic: TOPICS.alertsSignals,
    schema: alertSignalSchema,
    logger: new Logger('spike-signals'),
    handle: async (batch) => {
      const liveSinceMs = deps.clock.now() - deps.liveMaxAgeMs;
      const charted = new LiveFeedBatch<SpikeSignal>();
      for (const { value } of batch.items) {
        if (value.kind !== 'spike') continue;
        if (CHARTED_METRICS.includes(value.metric) && Date.parse(value.intervalEnd) >= liveSinceMs) {
          charted.add(value.brandId, value);
        }
      }
      await charted.storeThenDeliver(deps.recentSignals, (_brandId, signal) => deps.gateway.deliverSignal(signal));
    },
  });
}
