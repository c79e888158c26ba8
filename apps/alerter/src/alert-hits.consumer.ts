import { Logger } from '@nestjs/common';
import type { AlertActions } from '@tocsin/alert-actions';
import { checkHit } from '@tocsin/alerting';
import { alertSignalSchema, type ActivePlan, type AlertSignal, type TriggerHit } from '@tocsin/crisis-plan';
import { TOPICS } from '@tocsin/domain';
import { consumeTopic, type BatchConsumerRunner, type ConsumerWiring, type Rejection } from '@tocsin/kafka';

export interface AlertHitsDependencies {
  actions: AlertActions;
  plan: () => ActivePlan;
  groupId: string;
  /** Called once a batch's hits are stored (their pages with them, in the outbox). */
  onApplied?(): void;
}

/**
 * alerts.signals → alert lifecycle. A partition batch's hits are applied together, one
 * transaction per alert group (AlertActions.handleHits), each group's hits in partition order:
 * a crisis storm of hits costs a few transactions a batch, not one a hit. A hit the plan in
 * force could not have produced goes to the DLQ with the reason and opens nothing: whatever can write to the topic is not trusted to page people.
 */
export function createAlertHitsConsumer(
  wiring: ConsumerWiring,
  deps: AlertHitsDependencies,
): BatchConsumerRunner<AlertSignal> {
  const logger = new Logger('alert-hits');
  // Versions held since this process started: a hit the pipeline evaluated just before a
  // reload still names the previous one.
  const versionsInForce = new Set<string>();
  return consumeTopic(wiring, {
    groupId: `${deps.groupId}-hits`,
    topic: TOPICS.alertsSignals,
    schema: alertSignalSchema,
    logger,
    handle: async (batch) => {
      const refused: Rejection[] = [];
      const hits: TriggerHit[] = [];
      for (const { record, value } of batch.items) {
        if (value.kind !== 'trigger') continue;
        const active = deps.plan();
        versionsInForce.add(active.version);
        const verdict = checkHit(value, active, versionsInForce);
        if (verdict.ok) hits.push(value);
        else refused.push({ record, reason: verdict.reason });
      }
      if (hits.length > 0) {
        await deps.actions.handleHits(hits);
        deps.onApplied?.();
      }
      return refused;
    },
  });
}
