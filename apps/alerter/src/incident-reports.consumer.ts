import { Logger } from '@nestjs/common';
import {
  buildIncidentReport,
  composeReportEmails,
  REPORT_LEAD_IN_MS,
  reportRecipients,
  socketMessageSchema,
  type IncidentReplyStatsSource,
  type SocketMessage,
} from '@tocsin/alerting';
import type { CrisisPlan } from '@tocsin/crisis-plan';
import { TOPICS, type Clock } from '@tocsin/domain';
import { consumeTopic, type BatchConsumerRunner, type ConsumerWiring } from '@tocsin/kafka';
import type { AlertStore, OutboxStore, VolumeHistoryStore } from '@tocsin/redis';

export interface IncidentReportsDependencies {
  alerts: AlertStore;
  outbox: OutboxStore;
  volumeHistory: VolumeHistoryStore;
  replies: IncidentReplyStatsSource;
  plan: () => CrisisPlan;
  groupId: string;
  clock: Clock;
  /** Resolutions older than this are history: a new group reading from the start mails nobody. */
  liveMaxAgeMs: number;
  /** Base of the printable report's link. */
  publicUrl: string;
}

/**
 * alerts.events → the crisis report by e-mail, once an incident is resolved, to the people it
 * paged, its owner and whoever acknowledged or resolved it. It is the report `GET
 * /v1/incidents/:id/report` gives (volume history, reply times), sent through the outbox, so it
 * is retried and logged like a page; the messages are queued before the offsets are committed.
 */
export function createIncidentReportsConsumer(
  wiring: ConsumerWiring,
  deps: IncidentReportsDependencies,
): BatchConsumerRunner<SocketMessage> {
  const logger = new Logger('incident-reports');
  return consumeTopic(wiring, {
    groupId: `${deps.groupId}-reports`,
    topic: TOPICS.alertsEvents,
    schema: socketMessageSchema,
    logger,
    handle: async (batch) => {
      const nowMs = deps.clock.now();
      for (const { value } of batch.items) {
        const { event } = value;
        if (event.kind !== 'incident.resolved' || event.atMs < nowMs - deps.liveMaxAgeMs) continue;
        const { incident } = event;
        const plan = deps.plan();
        const resolvedAtMs = incident.resolvedAtMs ?? event.atMs;
        const [alerts, volume, replies] = await Promise.all([
          deps.alerts.alertsOf(incident),
          deps.volumeHistory.range(incident.brandId, incident.openedAtMs - REPORT_LEAD_IN_MS, resolvedAtMs, nowMs),
          deps.replies.statsFor(incident),
        ]);
        const report = buildIncidentReport({ incident, alerts, volume, replies, plan, nowMs });
        const printableUrl = `${deps.publicUrl}/v1/incidents/${encodeURIComponent(incident.id)}/report?format=html`;
        const messages = composeReportEmails(report, reportRecipients(incident, plan), printableUrl);
        await deps.outbox.enqueue(event.atMs, messages);
        if (messages.length > 0) logger.log(`${incident.id}: crisis report queued for ${messages.length} person(s)`);
      }
    },
  });
}
