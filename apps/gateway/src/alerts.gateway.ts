import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Actor } from '@tocsin/access';
import { AlertActions, type CommandOutcome } from '@tocsin/alert-actions';
import { planTargetResolver, subjectOf, viewAlert, viewAlertEvent, type ConsoleEvent } from '@tocsin/alerting';
import { PlanSource } from '@tocsin/plan-source';
import { describeZodError } from '@tocsin/domain';
import type { Server } from 'socket.io';
import type { TocsinSocket } from './mentions.gateway';
import {
  alertCommandSchema,
  brandRoom,
  userRoom,
  type AlertCommandAnswer,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SocketData,
} from './socket-events';

/**
 * Alert commands from consoles (applied through the same transactional actions as the
 * alerter's, their events coming back through the outbox), and alert facts to the brand's
 * watchers and the people paged.
 */
@WebSocketGateway({ transports: ['websocket', 'polling'] })
export class AlertsGateway {
  @WebSocketServer()
  server!: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

  constructor(
    private readonly alerts: AlertActions,
    private readonly plan: PlanSource,
  ) {}

  broadcast(event: ConsoleEvent, userIds: readonly string[]): void {
    // One emit to the union of rooms: a socket in several of them gets the event once.
    const rooms = [brandRoom(subjectOf(event).brandId), ...userIds.map(userRoom)];
    // Alerts go out with their escalation status derived; incidents as they are.
    const view = 'alert' in event ? viewAlertEvent(event, planTargetResolver(this.plan.current().plan)) : event;
    this.server.to(rooms).emit(view.kind, view as never);
  }

  private toAnswer(outcome: CommandOutcome): AlertCommandAnswer {
    if (!outcome.ok) return { ok: false, error: outcome.error };
    return { ok: true, alert: viewAlert(outcome.alert, planTargetResolver(this.plan.current().plan)) };
  }

  private async run(
    socket: TocsinSocket,
    payload: unknown,
    command: (alertId: string, actor: Actor, note?: string) => Promise<CommandOutcome>,
  ): Promise<AlertCommandAnswer> {
    const actor = socket.data.actor;
    if (!actor) return { ok: false, error: { code: 'unauthenticated', message: 'sign in to act on alerts' } };
    const parsed = alertCommandSchema.safeParse(payload);
    if (!parsed.success) {
      const detail = describeZodError(parsed.error).map((issue) => `${issue.field}: ${issue.message}`);
      return {
        ok: false,
        error: { code: 'invalid_payload', message: `expected { alertId, note? }; ${detail.join('; ')}` },
      };
    }
    return this.toAnswer(await command(parsed.data.alertId, actor, parsed.data.note));
  }

  @SubscribeMessage('alert.acknowledge')
  acknowledge(@ConnectedSocket() socket: TocsinSocket, @MessageBody() payload: unknown): Promise<AlertCommandAnswer> {
    return this.run(socket, payload, (alertId, actor, note) => this.alerts.acknowledge(alertId, actor, note));
  }

  @SubscribeMessage('alert.resolve')
  resolve(@ConnectedSocket() socket: TocsinSocket, @MessageBody() payload: unknown): Promise<AlertCommandAnswer> {
    return this.run(socket, payload, (alertId, actor, note) => this.alerts.resolve(alertId, actor, note));
  }
}
