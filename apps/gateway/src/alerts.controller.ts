import { Body, Controller, Delete, Get, HttpCode, HttpException, Param, Post, Query } from '@nestjs/common';
import { AlertActions, type CommandOutcome } from '@tocsin/alert-actions';
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

const commandBodySchema = z.object({ userId: z.string().min(1), note: z.string().max(2_000).optional() }).strict();

function badRequest(error: z.ZodError): HttpException {
  return new HttpException({ statusCode: 400, message: 'invalid request', errors: describeZodError(error) }, 400);
}

function toHttp(outcome: CommandOutcome): Alert {
  if (outcome.ok) return outcome.alert;
  const status = outcome.error.code === 'not-found' ? 404 : outcome.error.code === 'unknown-user' ? 403 : 409;
  throw new HttpException({ statusCode: status, code: outcome.error.code, message: outcome.error.message }, status);
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

  @Get('alerts')
  async list(@Query() query: Record<string, string>): Promise<{ alerts: AlertView[] }> {
    const parsed = alertQuerySchema.safeParse(query);
    if (!parsed.success) throw badRequest(parsed.error);
    const { brand, state, level, from, to, limit } = parsed.data;
    const alerts = await this.alerts.list({ brandId: brand, state, level, fromMs: from, toMs: to, limit });
    return { alerts: alerts.map((alert) => this.view(alert)) };
  }

  /** One alert with its evidence, audit trail and webhook attempts (URLs shown as scheme and host only). */
  @Get('alerts/:id')
  async get(@Param('id') id: string): Promise<{ alert: AlertView; deliveries: WebhookDelivery[] }> {
    const alert = await this.alerts.get(id);
    if (!alert) throw new HttpException({ statusCode: 404, message: `no alert "${id}"` }, 404);
    return { alert: this.view(alert), deliveries: await this.outbox.deliveries(id) };
  }

  @Post('alerts/:id/acknowledge')
  @HttpCode(200)
  async acknowledge(@Param('id') id: string, @Body() body: unknown): Promise<AlertView> {
    const parsed = commandBodySchema.safeParse(body);
    if (!parsed.success) throw badRequest(parsed.error);
    return this.view(toHttp(await this.actions.acknowledge(id, parsed.data.userId, parsed.data.note)));
  }

  @Post('alerts/:id/resolve')
  @HttpCode(200)
  async resolve(@Param('id') id: string, @Body() body: unknown): Promise<AlertView> {
    const parsed = commandBodySchema.safeParse(body);
    if (!parsed.success) throw badRequest(parsed.error);
    return this.view(toHttp(await this.actions.resolve(id, parsed.data.userId, parsed.data.note)));
  }

  /** Every transition of every alert of a brand, newest alert first. */
  @Get('brands/:brandId/audit')
  async brandAudit(@Param('brandId') brandId: string) {
    const alerts = await this.alerts.list({ brandId, limit: 500 });
    return {
      brandId,
      entries: alerts.flatMap((alert) =>
        alert.audit.map((entry) => ({ alertId: alert.id, level: alert.level, ...entry })),
      ),
    };
  }

  @Get('silences')
  async silences(): Promise<{ silences: Silence[] }> {
    return { silences: await this.silenceStore.listActive(systemClock.now()) };
  }

  @Post('silences')
  @HttpCode(201)
  async createSilence(@Body() body: unknown): Promise<Silence> {
    const created = await this.actions.createSilence(body);
    if (!created.ok)
      throw new HttpException({ statusCode: 400, message: 'invalid silence', errors: created.errors }, 400);
    return created.silence;
  }

  @Delete('silences/:id')
  @HttpCode(204)
  async removeSilence(@Param('id') id: string): Promise<void> {
    if (!(await this.silenceStore.remove(id)))
      throw new HttpException({ statusCode: 404, message: `no silence "${id}"` }, 404);
  }
}
