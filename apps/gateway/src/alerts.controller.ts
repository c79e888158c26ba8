import { Body, Controller, Delete, Get, HttpCode, HttpException, Param, Post, Query } from '@nestjs/common';
import { authorize, brandsInScope, isInScope, type Actor } from '@tocsin/access';
import { AlertActions, type CommandOutcome, type SilenceOutcome } from '@tocsin/alert-actions';
import {
  ALERT_STATES,
  planTargetResolver,
  viewAlert,
  type Alert,
  type AlertView,
  type Silence,
} from '@tocsin/alerting';
import { describeZodError, systemClock } from '@tocsin/domain';
import { PlanSource } from '@tocsin/plan-source';
import { AlertStore, OutboxStore, SilenceStore, type WebhookDelivery } from '@tocsin/redis';
import { z } from 'zod';
import { Allow, CurrentActor, forbidden } from './auth/access.guard';

const instantMs = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO-8601 time')
  .transform((value) => Date.parse(value));

const alertQuerySchema = z
  .object({
    brand: z.string().min(1).optional(),
    state: z.enum(ALERT_STATES).optional(),
    level: z.string().min(1).optional(),
    from: instantMs.optional(),
    to: instantMs.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

/** Who acts is the session's person: a body naming someone else is refused as an unknown field. */
const commandBodySchema = z.object({ note: z.string().max(2_000).optional() }).strict();

const silenceQuerySchema = z.object({ state: z.enum(['active', 'expired']).default('active') }).strict();

function badRequest(error: z.ZodError): HttpException {
  return new HttpException({ statusCode: 400, message: 'invalid request', errors: describeZodError(error) }, 400);
}

const FORBIDDEN_CODES: ReadonlySet<string> = new Set(['unknown-user', 'role_forbidden', 'brand_out_of_scope']);

function toHttp(outcome: CommandOutcome): Alert {
  if (outcome.ok) return outcome.alert;
  const status = outcome.error.code === 'not-found' ? 404 : FORBIDDEN_CODES.has(outcome.error.code) ? 403 : 409;
  throw new HttpException({ statusCode: status, code: outcome.error.code, message: outcome.error.message }, status);
}

function silenceToHttp(outcome: SilenceOutcome): Silence {
  if (outcome.ok) return outcome.silence;
  const { code, message } = outcome.error;
  const status = code === 'not_found' ? 404 : FORBIDDEN_CODES.has(code) ? 403 : 400;
  throw new HttpException(
    { statusCode: status, code, message, ...(outcome.errors && { errors: outcome.errors }) },
    status,
  );
}

/** A silence concerns the brand it matches; one without a brand concerns them all (admins only). */
function silenceVisibleTo(actor: Actor, silence: Silence): boolean {
  const brandId = silence.matchers.brandId;
  return brandId === undefined ? actor.role === 'admin' : isInScope(actor, brandId);
}

@Controller('v1')
export class AlertsController {
  constructor(
    private readonly alerts: AlertStore,
    private readonly silenceStore: SilenceStore,
    private readonly outbox: OutboxStore,
    private readonly actions: AlertActions,
    private readonly plan: PlanSource,
  ) {}

  /** Alerts leave with their escalation status derived from the plan in force. */
  private view(alert: Alert): AlertView {
    return viewAlert(alert, planTargetResolver(this.plan.current().plan));
  }

  /** Alerts of the actor's brands only; naming a brand outside them is refused. */
  @Allow('alerts.read')
  @Get('alerts')
  async list(@Query() query: Record<string, string>, @CurrentActor() actor: Actor): Promise<{ alerts: AlertView[] }> {
    const parsed = alertQuerySchema.safeParse(query);
    if (!parsed.success) throw badRequest(parsed.error);
    const { brand, state, level, from, to, limit } = parsed.data;
    const filters = { state, level, fromMs: from, toMs: to, limit };
    if (brand !== undefined) {
      const denied = authorize(actor, 'alerts.read', brand);
      if (denied) throw forbidden(denied);
      return { alerts: (await this.alerts.list({ ...filters, brandId: brand })).map((alert) => this.view(alert)) };
    }
    if (actor.role === 'admin') return { alerts: (await this.alerts.list(filters)).map((alert) => this.view(alert)) };
    const brandIds = brandsInScope(
      actor,
      this.plan.current().plan.brands.map((known) => known.id),
    );
    const lists = await Promise.all(brandIds.map((brandId) => this.alerts.list({ ...filters, brandId })));
    return {
      alerts: lists
        .flat()
        .sort((a, b) => b.openedAtMs - a.openedAtMs)
        .slice(0, limit)
        .map((alert) => this.view(alert)),
    };
  }

  /** One alert with its evidence, audit trail and webhook attempts (URLs shown as scheme and host only). */
  @Allow('alerts.read')
  @Get('alerts/:id')
  async get(
    @Param('id') id: string,
    @CurrentActor() actor: Actor,
  ): Promise<{ alert: AlertView; deliveries: WebhookDelivery[] }> {
    const alert = await this.alerts.get(id);
    if (!alert) throw new HttpException({ statusCode: 404, code: 'not-found', message: `no alert "${id}"` }, 404);
    const denied = authorize(actor, 'alerts.read', alert.brandId);
    if (denied) throw forbidden(denied);
    return { alert: this.view(alert), deliveries: await this.outbox.deliveries(id) };
  }

  @Allow('alerts.act')
  @Post('alerts/:id/acknowledge')
  @HttpCode(200)
  async acknowledge(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor): Promise<AlertView> {
    const parsed = commandBodySchema.safeParse(body ?? {});
    if (!parsed.success) throw badRequest(parsed.error);
    return this.view(toHttp(await this.actions.acknowledge(id, actor, parsed.data.note)));
  }

  @Allow('alerts.act')
  @Post('alerts/:id/resolve')
  @HttpCode(200)
  async resolve(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor): Promise<AlertView> {
    const parsed = commandBodySchema.safeParse(body ?? {});
    if (!parsed.success) throw badRequest(parsed.error);
    return this.view(toHttp(await this.actions.resolve(id, actor, parsed.data.note)));
  }

  /** Every transition of every alert of a brand, newest alert first, and the brand's silences. */
  @Allow('alerts.read')
  @Get('brands/:brandId/audit')
  async brandAudit(@Param('brandId') brandId: string, @CurrentActor() actor: Actor) {
    const denied = authorize(actor, 'alerts.read', brandId);
    if (denied) throw forbidden(denied);
    const [alerts, active, expired] = await Promise.all([
      this.alerts.list({ brandId, limit: 500 }),
      this.silenceStore.listActive(systemClock.now()),
      this.silenceStore.listExpired(500),
    ]);
    return {
      brandId,
      entries: alerts.flatMap((alert) =>
        alert.audit.map((entry) => ({ alertId: alert.id, level: alert.level, ...entry })),
      ),
      silences: [...active, ...expired].filter((silence) => silence.matchers.brandId === brandId),
    };
  }

  /** Active silences by default, `?state=expired` for the trail of those that ran out or were ended. */
  @Allow('silences.read')
  @Get('silences')
  async silences(
    @Query() query: Record<string, string>,
    @CurrentActor() actor: Actor,
  ): Promise<{ silences: Silence[] }> {
    const parsed = silenceQuerySchema.safeParse(query);
    if (!parsed.success) throw badRequest(parsed.error);
    const silences =
      parsed.data.state === 'active'
        ? await this.silenceStore.listActive(systemClock.now())
        : await this.silenceStore.listExpired(500);
    return { silences: silences.filter((silence) => silenceVisibleTo(actor, silence)) };
  }

  @Allow('silences.manage')
  @Post('silences')
  @HttpCode(201)
  async createSilence(@Body() body: unknown, @CurrentActor() actor: Actor): Promise<Silence> {
    return silenceToHttp(await this.actions.createSilence(body, actor));
  }

  /** Ends a silence now; it stays listed under `?state=expired` with who ended it. */
  @Allow('silences.manage')
  @Delete('silences/:id')
  @HttpCode(200)
  async endSilence(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<Silence> {
    return silenceToHttp(await this.actions.endSilence(id, actor));
  }
}
