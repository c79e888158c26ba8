import { triggerHitSchema } from '@tocsin/crisis-plan';
import { spikeSignalSchema, TOPICS } from '@tocsin/domain';
import {
  BatchConsumerRunner,
  jsonRecordDecoder,
  type KafkaLogger,
  type KafkaSettings,
  type PartitionBatch,
  type RecordPublisher,
} from '@tocsin/kafka';
import type { Kafka } from 'kafkajs';
import { z } from 'zod';
import type { AlertService } from './alert.service';

/** alerts.signals carries trigger hits and the detector's verdicts; only hits open alerts. */
export const alertSignalSchema = z.discriminatedUnion('kind', [triggerHitSchema, spikeSignalSchema]);
export type AlertSignal = z.infer<typeof alertSignalSchema>;

export interface AlertSignalsDependencies {
  kafka: Kafka;
  kafkaSettings: KafkaSettings;
  publisher: RecordPublisher;
  alerts: AlertService;
  logger: KafkaLogger & { log(message: string): void };
  groupId: string;
}

/** alerts.signals → alert lifecycle. Hits are applied in partition order, so one brand's in order. */
export class AlertSignalsConsumer {
  private readonly runner: BatchConsumerRunner<AlertSignal>;

  constructor(private readonly deps: AlertSignalsDependencies) {
    const prefix = deps.kafkaSettings.topicPrefix;
    this.runner = new BatchConsumerRunner<AlertSignal>({
      kafka: deps.kafka,
      publisher: deps.publisher,
      logger: deps.logger,
      groupId: `${deps.groupId}-alerts`,
      topic: `${prefix}${TOPICS.alertsSignals}`,
      dlqTopic: `${prefix}${TOPICS.mentionsDlq}`,
      decode: jsonRecordDecoder(alertSignalSchema),
      handle: (batch) => this.handle(batch),
    });
  }

  start(): Promise<void> {
    return this.runner.start();
  }

  stop(): Promise<void> {
    return this.runner.stop();
  }

  private async handle(batch: PartitionBatch<AlertSignal>): Promise<void> {
    for (const { value } of batch.items) {
      if (value.kind === 'trigger') await this.deps.alerts.handleHit(value);
    }
  }
}
