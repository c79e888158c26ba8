import { Logger } from '@nestjs/common';
import { alertSignalSchema, type AlertSignal } from '@tocsin/crisis-plan';
import { TOPICS, type Clock, type SignalMetric, type SpikeSignal } from '@tocsin/domain';
import { consumeTopic, type BatchConsumerRunner, type ConsumerWiring } from '@tocsin/kafka';
import type { RecentSignalsStore, VolumeHistoryStore, VolumeReading } from '@tocsin/redis';
import { LiveFeedBatch } from './live-feed';
import type { MentionsGateway } from './mentions.gateway';

/** What the wall charts: how much a brand is talked about, and how much of it is negative. */
const CHARTED_METRICS: readonly SignalMetric[] = ['volume', 'negativeVolume'];

export interface SpikeSignalsDependencies {
  gateway: MentionsGateway;
  recentSignals: RecentSignalsStore;
  /** Every interval's counts, live or backfilled, for crisis reports over a whole incident. */
  volumeHistory: VolumeHistoryStore;
  groupId: string;
  clock: Clock;
  /** Verdicts on intervals older than this are history: they are not charted live. */
  liveMaxAgeMs: number;
}

/**
 * The volume verdicts of alerts.signals → the brands' volume history (all of them) and walls
 * (the live ones); trigger hits are the alerter's. The history is written before the offsets
 * are committed, and a redelivered verdict sets the same count again.
 */
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
      const nowMs = deps.clock.now();
      const liveSinceMs = nowMs - deps.liveMaxAgeMs;
      const charted = new LiveFeedBatch<SpikeSignal>();
      const readings: VolumeReading[] = [];
      for (const { value } of batch.items) {
        if (value.kind !== 'spike') continue;
        if (value.metric !== 'volume' && value.metric !== 'negativeVolume') continue;
        const { brandId, metric, observed } = value;
        readings.push({ brandId, metric, observed, intervalStartMs: Date.parse(value.intervalStart) });
        if (CHARTED_METRICS.includes(value.metric) && Date.parse(value.intervalEnd) >= liveSinceMs) {
          charted.add(value.brandId, value);
        }
      }
      await deps.volumeHistory.record(readings, nowMs);
      await charted.storeThenDeliver(deps.recentSignals, (_brandId, signal) => deps.gateway.deliverSignal(signal));
    },
  });
}
