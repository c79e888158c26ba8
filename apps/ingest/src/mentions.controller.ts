import { Body, Controller, Headers, HttpCode, HttpException, Inject, Post, Res } from '@nestjs/common';
import { matchBrands, systemClock, TOPICS } from '@tocsin/domain';
import { RecordPublisher, toRawRecord, topicName } from '@tocsin/kafka';
import { TocsinMetrics } from '@tocsin/observability';
import { PlanSource } from '@tocsin/plan-source';
import { INGEST_CONFIG, type IngestConfig } from './config';
import type { Response } from 'express';
import { ingestKeyOf } from './ingest-key.middleware';
import { parseMentionBatch, type ItemError } from './mention-batch.parser';

export interface IngestAnswer {
  accepted: number;
  rejected: number;
  errors: ItemError[];
}

@Controller('v1/mentions')
export class MentionsController {
  constructor(
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    private readonly publisher: RecordPublisher,
    private readonly plan: PlanSource,
    private readonly metrics: TocsinMetrics,
  ) {}

  /**
   * Answers 202 only after Kafka acknowledged every accepted mention. The ingest key was checked
   * before the body was read (`requireIngestKey`); a key limited to brands limits the mentions.
   */
  @Post()
  @HttpCode(202)
  async ingest(
    @Body() body: string,
    @Res({ passthrough: true }) response: Response,
    @Headers('content-type') contentType?: string,
  ): Promise<IngestAnswer> {
    const key = ingestKeyOf(response);
    const nowMs = systemClock.now();
    const allowed = key.brandIds;
    const parsed = parseMentionBatch(typeof body === 'string' ? body : '', contentType, {
      maxMentions: this.config.maxMentions,
      nowMs,
      maxClockSkewMs: this.config.maxClockSkewMs,
      knownBrandIds: new Set(this.plan.current().plan.brands.map((brand) => brand.id)),
      keyScope: allowed
        ? {
            keyId: key.id,
            allowed: new Set(allowed),
            brandsOf: (mention) => matchBrands(mention, this.plan.brandMatchers()),
          }
        : undefined,
    });
    if (!parsed.ok) throw new HttpException({ statusCode: parsed.status, message: parsed.message }, parsed.status);
    const receivedAt = new Date(nowMs).toISOString();
    const rejectedIndexes = new Set(parsed.errors.map((error) => error.index));
    this.metrics.ingestMentions.inc({ outcome: 'rejected' }, rejectedIndexes.size);
    const published = this.metrics.ingestPublishDuration.startTimer();
    try {
      await this.publisher.publish(
        topicName(this.config.kafka, TOPICS.mentionsRaw),
        parsed.mentions.map(({ mention }) => toRawRecord(mention, receivedAt)),
      );
    } catch (error) {
      this.metrics.ingestMentions.inc({ outcome: 'failed' }, parsed.mentions.length);
      this.metrics.countError('kafka', 'publish');
      throw new HttpException(
        { statusCode: 503, message: `Kafka did not acknowledge the mentions, nothing was accepted: ${String(error)}` },
        503,
      );
    }
    published();
    this.metrics.ingestMentions.inc({ outcome: 'accepted' }, parsed.mentions.length);
    return { accepted: parsed.mentions.length, rejected: rejectedIndexes.size, errors: parsed.errors };
  }
}
