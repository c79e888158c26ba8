import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Actor } from '@tocsin/access';
import { AlertActions, type IncidentOutcome } from '@tocsin/alert-actions';
import { describeZodError } from '@tocsin/domain';
import type { z } from 'zod';
import type { TocsinSocket } from './mentions.gateway';
import {
  incidentCommandSchema,
  incidentNoteSchema,
  incidentOwnerSchema,
  type IncidentCommandAnswer,
} from './socket-events';

function toAnswer(outcome: IncidentOutcome): IncidentCommandAnswer {
  return outcome.ok ? { ok: true, incident: outcome.incident } : { ok: false, error: outcome.error };
}

/**
 * Incident commands from consoles, applied through the same transactional actions as the
 * alerter's; their events come back through the outbox like every alert fact.
 */
@WebSocketGateway({ transports: ['websocket', 'polling'] })
export class IncidentsGateway {
  constructor(private readonly actions: AlertActions) {}

  private async run<T extends z.ZodTypeAny>(
    socket: TocsinSocket,
    payload: unknown,
    schema: T,
    expected: string,
    command: (input: z.output<T>, actor: Actor) => Promise<IncidentOutcome>,
  ): Promise<IncidentCommandAnswer> {
    const actor = socket.data.actor;
    if (!actor) return { ok: false, error: { code: 'unauthenticated', message: 'sign in to act on incidents' } };
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      const detail = describeZodError(parsed.error).map((issue) => `${issue.field}: ${issue.message}`);
      return { ok: false, error: { code: 'invalid_payload', message: `expected ${expected}; ${detail.join('; ')}` } };
    }
    return toAnswer(await command(parsed.data as z.output<T>, actor));
  }

  @SubscribeMessage('incident.acknowledge')
  acknowledge(@ConnectedSocket() socket: TocsinSocket, @MessageBody() payload: unknown) {
    return this.run(socket, payload, incidentCommandSchema, '{ incidentId, note? }', (input, actor) =>
      this.actions.acknowledgeIncident(input.incidentId, actor, input.note),
    );
  }

  @SubscribeMessage('incident.resolve')
  resolve(@ConnectedSocket() socket: TocsinSocket, @MessageBody() payload: unknown) {
    return this.run(socket, payload, incidentCommandSchema, '{ incidentId, note? }', (input, actor) =>
      this.actions.resolveIncident(input.incidentId, actor, input.note),
    );
  }

  @SubscribeMessage('incident.note')
  note(@ConnectedSocket() socket: TocsinSocket, @MessageBody() payload: unknown) {
    return this.run(socket, payload, incidentNoteSchema, '{ incidentId, text }', (input, actor) =>
      this.actions.addIncidentNote(input.incidentId, actor, input.text),
    );
  }

  @SubscribeMessage('incident.assign')
  assign(@ConnectedSocket() socket: TocsinSocket, @MessageBody() payload: unknown) {
    return this.run(socket, payload, incidentOwnerSchema, '{ incidentId, ownerId }', (input, actor) =>
      this.actions.setIncidentOwner(input.incidentId, input.ownerId, actor),
    );
  }
}
