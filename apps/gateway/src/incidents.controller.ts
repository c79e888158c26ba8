import { Body, Controller, Get, HttpCode, HttpException, Param, Post, Query } from '@nestjs/common';
import { AlertActions, type IncidentOutcome } from '@tocsin/alert-actions';
import { MAX_NOTE_CHARS, type Alert, type Incident } from '@tocsin/alerting';
import { describeZodError } from '@tocsin/domain';
import { AlertStore, OutboxStore, type WebhookDelivery } from '@tocsin/redis';
import { z } from 'zod';

const incidentQuerySchema = z
  .object({
    brand: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

const userId = z.string().min(1).max(128);
const commandBodySchema = z.object({ userId, note: z.string().max(MAX_NOTE_CHARS).optional() }).strict();
const noteBodySchema = z.object({ userId, text: z.string().trim().min(1).max(MAX_NOTE_CHARS) }).strict();
const ownerBodySchema = z.object({ userId, ownerId: userId }).strict();

function badRequest(error: z.ZodError): HttpException {
  return new HttpException({ statusCode: 400, message: 'invalid request', errors: describeZodError(error) }, 400);
}

function parseBody<T extends z.ZodTypeAny>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw badRequest(parsed.error);
  return parsed.data as z.output<T>;
}

function toHttp(outcome: IncidentOutcome): Incident {
  if (outcome.ok) return outcome.incident;
  const status = outcome.error.code === 'not-found' ? 404 : outcome.error.code === 'unknown-user' ? 403 : 409;
  throw new HttpException({ statusCode: status, code: outcome.error.code, message: outcome.error.message }, status);
}

/** Incidents: the console's first view, their commands, and the crisis report. */
@Controller('v1/incidents')
export class IncidentsController {
  constructor(
    private readonly alerts: AlertStore,
    private readonly outbox: OutboxStore,
    private readonly actions: AlertActions,
  ) {}

  /** Live incidents first, then the newest resolved ones. */
  @Get()
  async list(@Query() query: Record<string, string>): Promise<{ incidents: Incident[] }> {
    const parsed = incidentQuerySchema.safeParse(query);
    if (!parsed.success) throw badRequest(parsed.error);
    return { incidents: await this.alerts.listIncidents({ brandId: parsed.data.brand, limit: parsed.data.limit }) };
  }

  /** One incident with its alerts and every page attempt (URLs shown as scheme and host only). */
  @Get(':id')
  async get(@Param('id') id: string): Promise<{ incident: Incident; alerts: Alert[]; deliveries: WebhookDelivery[] }> {
    const incident = await this.incident(id);
    const [alerts, deliveries] = await Promise.all([this.alerts.alertsOf(incident), this.outbox.deliveries(id)]);
    return { incident, alerts, deliveries };
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  async acknowledge(@Param('id') id: string, @Body() body: unknown): Promise<Incident> {
    const input = parseBody(commandBodySchema, body);
    return toHttp(await this.actions.acknowledgeIncident(id, input.userId, input.note));
  }

  @Post(':id/resolve')
  @HttpCode(200)
  async resolve(@Param('id') id: string, @Body() body: unknown): Promise<Incident> {
    const input = parseBody(commandBodySchema, body);
    return toHttp(await this.actions.resolveIncident(id, input.userId, input.note));
  }

  @Post(':id/notes')
  @HttpCode(201)
  async note(@Param('id') id: string, @Body() body: unknown): Promise<Incident> {
    const input = parseBody(noteBodySchema, body);
    return toHttp(await this.actions.addIncidentNote(id, input.userId, input.text));
  }

  @Post(':id/owner')
  @HttpCode(200)
  async owner(@Param('id') id: string, @Body() body: unknown): Promise<Incident> {
    const input = parseBody(ownerBodySchema, body);
    return toHttp(await this.actions.setIncidentOwner(id, input.ownerId, input.userId));
  }

  private async incident(id: string): Promise<Incident> {
    const incident = await this.alerts.getIncident(id);
    if (!incident) throw new HttpException({ statusCode: 404, message: `no incident "${id}"` }, 404);
    return incident;
  }
}
