import { Body, Controller, Get, HttpCode, HttpException, Inject, Param, Post, Query } from '@nestjs/common';
import { authorize, type Actor } from '@tocsin/access';
import { ReplyQueueActions, type ReplyQueueView } from '@tocsin/alert-actions';
import { describeZodError, systemClock, TOPICS } from '@tocsin/domain';
import { RecordPublisher } from '@tocsin/kafka';
import { PlanSource } from '@tocsin/plan-source';
import { HAND_OUTCOMES, replyEventRecords, type ReplyEntry } from '@tocsin/reply-queue';
import { z } from 'zod';
import { Allow, CurrentActor, forbidden } from './auth/access.guard';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';

const handledBodySchema = z
  .object({
    brandId: z.string().min(1).max(128),
    outcome: z.enum(HAND_OUTCOMES).default('handled'),
    reason: z.string().max(2_000).optional(),
  })
  .strict();

const queueQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1_000).default(100) }).strict();

const STATUS_OF = { not_found: 404, unknown_user: 403, already_closed: 409, reason_required: 400 } as const;

function badRequest(error: z.ZodError): HttpException {
  return new HttpException({ statusCode: 400, message: 'invalid request', errors: describeZodError(error) }, 400);
}

/**
 * The brands' reply queues: what waits for an answer, most urgent first, with reply times and
 * the share answered within the playbook deadline; and a CM closing an entry by hand.
 */
@Controller('v1')
export class ReplyQueueController {
  private readonly repliesTopic: string;

  constructor(
    private readonly actions: ReplyQueueActions,
    private readonly plan: PlanSource,
    private readonly publisher: RecordPublisher,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.repliesTopic = `${config.kafka.topicPrefix}${TOPICS.repliesEvents}`;
  }

  @Allow('alerts.read')
  @Get('brands/:brandId/reply-queue')
  async queue(
    @Param('brandId') brandId: string,
    @Query() query: Record<string, string>,
    @CurrentActor() actor: Actor,
  ): Promise<ReplyQueueView> {
    const parsed = queueQuerySchema.safeParse(query);
    if (!parsed.success) throw badRequest(parsed.error);
    const denied = authorize(actor, 'alerts.read', brandId);
    if (denied) throw forbidden(denied);
    if (!this.plan.current().plan.brands.some((brand) => brand.id === brandId)) {
      throw new HttpException({ statusCode: 404, message: `no brand "${brandId}" in the crisis plan` }, 404);
    }
    return this.actions.view(brandId, systemClock.now(), parsed.data.limit);
  }

  /** `mentionId` is the mention's key, `platform:id` (URL-encoded: ids may hold slashes). */
  /** A CM of the brand closes an entry by hand; the person is the session's. */
  @Allow('alerts.act')
  @Post('reply-queue/:mentionId/handled')
  @HttpCode(200)
  async handled(
    @Param('mentionId') mentionKey: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
  ): Promise<{ entry: ReplyEntry }> {
    const parsed = handledBodySchema.safeParse(body);
    if (!parsed.success) throw badRequest(parsed.error);
    const { brandId, outcome, reason } = parsed.data;
    const denied = authorize(actor, 'alerts.act', brandId);
    if (denied) throw forbidden(denied);
    const closed = await this.actions.closeByHand(
      brandId,
      mentionKey,
      outcome,
      actor.personId,
      reason,
      systemClock.now(),
    );
    if (!closed.ok) {
      const status = STATUS_OF[closed.error.code];
      throw new HttpException({ statusCode: status, code: closed.error.code, message: closed.error.message }, status);
    }
    await this.publisher.publish(this.repliesTopic, replyEventRecords([closed.event]));
    return { entry: closed.entry };
  }
}
