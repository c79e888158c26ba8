import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpException,
  Inject,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { authorize, brandsInScope, type Actor, type AccessDenialCode } from '@tocsin/access';
import { AlertActions, type IncidentOutcome } from '@tocsin/alert-actions';
import {
  buildIncidentReport,
  MAX_NOTE_CHARS,
  REPORT_LEAD_IN_MS,
  renderReportHtml,
  renderReportMarkdown,
  type Alert,
  type Incident,
  type IncidentReplyStatsSource,
  type IncidentReport,
} from '@tocsin/alerting';
import { describeZodError, systemClock } from '@tocsin/domain';
import { PlanSource } from '@tocsin/plan-source';
import { AlertStore, OutboxStore, VolumeHistoryStore, type WebhookDelivery } from '@tocsin/redis';
import type { Response } from 'express';
import { z } from 'zod';
import { Allow, CurrentActor, forbidden } from './auth/access.guard';

/** Where crisis reports read reply times: the reply queue binds its own source here. */
export const INCIDENT_REPLY_STATS = Symbol('IncidentReplyStatsSource');

const REPORT_FORMATS = ['json', 'md', 'html'] as const;
type ReportFormat = (typeof REPORT_FORMATS)[number];
const reportQuerySchema = z.object({ format: z.enum(REPORT_FORMATS).optional() }).strict();

/** `?format=` wins; otherwise the Accept header: Markdown, HTML (a browser), else JSON. */
function reportFormat(query: z.infer<typeof reportQuerySchema>, accept: string | undefined): ReportFormat {
  if (query.format) return query.format;
  if (accept?.includes('text/markdown')) return 'md';
  if (accept?.includes('text/html')) return 'html';
  return 'json';
}

const incidentQuerySchema = z
  .object({
    brand: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

// The person acting is the session's: a body naming one is refused by `.strict()`.
const commandBodySchema = z.object({ note: z.string().max(MAX_NOTE_CHARS).optional() }).strict();
const noteBodySchema = z.object({ text: z.string().trim().min(1).max(MAX_NOTE_CHARS) }).strict();
const ownerBodySchema = z.object({ ownerId: z.string().min(1).max(128) }).strict();
const FORBIDDEN_CODES: ReadonlySet<string> = new Set<AccessDenialCode>(['role_forbidden', 'brand_out_of_scope']);

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
  const { code } = outcome.error;
  const status = code === 'not-found' ? 404 : code === 'unknown-user' || FORBIDDEN_CODES.has(code) ? 403 : 409;
  throw new HttpException({ statusCode: status, code: outcome.error.code, message: outcome.error.message }, status);
}

/** Incidents: the console's first view, their commands, and the crisis report. */
@Controller('v1/incidents')
export class IncidentsController {
  constructor(
    private readonly alerts: AlertStore,
    private readonly outbox: OutboxStore,
    private readonly actions: AlertActions,
    private readonly volumeHistory: VolumeHistoryStore,
    private readonly plan: PlanSource,
    @Inject(INCIDENT_REPLY_STATS) private readonly replies: IncidentReplyStatsSource,
  ) {}

  /** Live incidents of the actor's brands first, then the newest resolved ones. */
  @Allow('alerts.read')
  @Get()
  async list(@Query() query: Record<string, string>, @CurrentActor() actor: Actor): Promise<{ incidents: Incident[] }> {
    const parsed = incidentQuerySchema.safeParse(query);
    if (!parsed.success) throw badRequest(parsed.error);
    const { brand, limit } = parsed.data;
    if (brand !== undefined) {
      const denied = authorize(actor, 'alerts.read', brand);
      if (denied) throw forbidden(denied);
      return { incidents: await this.alerts.listIncidents({ brandId: brand, limit }) };
    }
    if (actor.role === 'admin') return { incidents: await this.alerts.listIncidents({ limit }) };
    const brandIds = brandsInScope(
      actor,
      this.plan.current().plan.brands.map((known) => known.id),
    );
    const lists = await Promise.all(brandIds.map((brandId) => this.alerts.listIncidents({ brandId, limit })));
    const live = (incident: Incident): number => (incident.state === 'resolved' ? 1 : 0);
    return {
      incidents: lists
        .flat()
        .sort((a, b) => live(a) - live(b) || b.openedAtMs - a.openedAtMs)
        .slice(0, limit),
    };
  }

  /** One incident with its alerts and every page attempt (URLs shown as scheme and host only). */
  @Allow('alerts.read')
  @Get(':id')
  async get(
    @Param('id') id: string,
    @CurrentActor() actor: Actor,
  ): Promise<{ incident: Incident; alerts: Alert[]; deliveries: WebhookDelivery[] }> {
    const incident = await this.incident(id, actor);
    const [alerts, deliveries] = await Promise.all([this.alerts.alertsOf(incident), this.outbox.deliveries(id)]);
    return { incident, alerts, deliveries };
  }

  /**
   * The crisis report, open or resolved: JSON, Markdown (`Accept: text/markdown` or
   * `?format=md`) or a printable HTML page (`Accept: text/html` or `?format=html`).
   */
  @Allow('alerts.read')
  @Get(':id/report')
  async report(
    @Param('id') id: string,
    @CurrentActor() actor: Actor,
    @Query() query: Record<string, string>,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<IncidentReport | string> {
    const parsed = reportQuerySchema.safeParse(query);
    if (!parsed.success) throw badRequest(parsed.error);
    const incident = await this.incident(id, actor);
    const nowMs = systemClock.now();
    const untilMs = incident.resolvedAtMs ?? nowMs;
    const [alerts, volume, replies] = await Promise.all([
      this.alerts.alertsOf(incident),
      this.volumeHistory.range(incident.brandId, incident.openedAtMs - REPORT_LEAD_IN_MS, untilMs, nowMs),
      this.replies.statsFor(incident),
    ]);
    const report = buildIncidentReport({ incident, alerts, volume, replies, plan: this.plan.current().plan, nowMs });
    const format = reportFormat(parsed.data, accept);
    if (format === 'json') return report;
    response.type(format === 'md' ? 'text/markdown; charset=utf-8' : 'text/html; charset=utf-8');
    return format === 'md' ? renderReportMarkdown(report) : renderReportHtml(report);
  }

  @Allow('alerts.act')
  @Post(':id/acknowledge')
  @HttpCode(200)
  async acknowledge(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor): Promise<Incident> {
    const input = parseBody(commandBodySchema, body);
    return toHttp(await this.actions.acknowledgeIncident(id, actor, input.note));
  }

  @Allow('alerts.act')
  @Post(':id/resolve')
  @HttpCode(200)
  async resolve(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor): Promise<Incident> {
    const input = parseBody(commandBodySchema, body);
    return toHttp(await this.actions.resolveIncident(id, actor, input.note));
  }

  @Allow('alerts.act')
  @Post(':id/notes')
  @HttpCode(201)
  async note(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor): Promise<Incident> {
    const input = parseBody(noteBodySchema, body);
    return toHttp(await this.actions.addIncidentNote(id, actor, input.text));
  }

  @Allow('alerts.act')
  @Post(':id/owner')
  @HttpCode(200)
  async owner(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor): Promise<Incident> {
    const input = parseBody(ownerBodySchema, body);
    return toHttp(await this.actions.setIncidentOwner(id, input.ownerId, actor));
  }

  /** The incident, if the actor may read its brand's alerts. */
  private async incident(id: string, actor: Actor): Promise<Incident> {
    const incident = await this.alerts.getIncident(id);
    if (!incident) throw new HttpException({ statusCode: 404, message: `no incident "${id}"` }, 404);
    const denied = authorize(actor, 'alerts.read', incident.brandId);
    if (denied) throw forbidden(denied);
    return incident;
  }
}
