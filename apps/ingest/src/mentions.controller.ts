import { Inject, Injectable, Logger } from '@nestjs/common';
import type { CrisisPlan } from '@tocsin/crisis-plan';
import { matchBrands, systemClock, TOPICS, type IngestKeyRecord } from '@tocsin/domain';
import { toRawRecord, topicName } from '@tocsin/kafka';
import { TocsinMetrics } from '@tocsin/observability';
import { PlanSource } from '@tocsin/plan-source';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { text } from 'express';
import { INGEST_CONFIG, type IngestConfig } from './config';
import { ingestKeyOf } from './ingest-key.middleware';
import { ACCEPTED_CONTENT_TYPES, parseMentionBatch, type ItemError } from './mention-batch.parser';
import { PublisherPool } from './publisher.pool';

export interface IngestAnswer {
  accepted: number;
  rejected: number;
  errors: ItemError[];
}

/** What a POST of mentions gets: 202 with the per-item answer, or an error status and why. */
export type IngestOutcome =
  | { status: 202; body: IngestAnswer }
  | { status: 400 | 413 | 415 | 500 | 503; body: { statusCode: number; message: string } };

function refusal(status: Exclude<IngestOutcome['status'], 202>, message: string): IngestOutcome {
  return { status, body: { statusCode: status, message } };
}

/** POSTed mentions → mentions.raw, answered only once Kafka acknowledged every accepted one. */
@Injectable()
export class MentionsIntake {
  /** The plan's brand ids, built once per plan in force rather than once per request. */
  private knownBrands: { plan: CrisisPlan; ids: ReadonlySet<string> } | undefined;

  constructor(
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    private readonly publishers: PublisherPool,
    private readonly plan: PlanSource,
    private readonly metrics: TocsinMetrics,
  ) {}

  /** A key limited to brands limits the mentions; the key was checked before the body was read. */
  async ingest(body: string, contentType: string | undefined, key: IngestKeyRecord): Promise<IngestOutcome> {
    const nowMs = systemClock.now();
    const allowed = key.brandIds;
    const parsed = parseMentionBatch(body, contentType, {
      maxMentions: this.config.maxMentions,
      nowMs,
      maxClockSkewMs: this.config.maxClockSkewMs,
      knownBrandIds: this.knownBrandIds(),
      keyScope: allowed
        ? {
            keyId: key.id,
            allowed: new Set(allowed),
            brandsOf: (mention) => matchBrands(mention, this.plan.brandMatchers()),
          }
        : undefined,
    });
    if (!parsed.ok) return refusal(parsed.status, parsed.message);
    const receivedAt = new Date(nowMs).toISOString();
    const rejectedIndexes = new Set(parsed.errors.map((error) => error.index));
    if (rejectedIndexes.size > 0) this.metrics.ingestMentions.inc({ outcome: 'rejected' }, rejectedIndexes.size);
    const published = this.metrics.ingestPublishDuration.startTimer();
    try {
      await this.publishers.publish(
        topicName(this.config.kafka, TOPICS.mentionsRaw),
        parsed.mentions.map(({ mention }) => toRawRecord(mention, receivedAt)),
      );
    } catch (error) {
      this.metrics.ingestMentions.inc({ outcome: 'failed' }, parsed.mentions.length);
      this.metrics.countError('kafka', 'publish');
      return refusal(503, `Kafka did not acknowledge the mentions, nothing was accepted: ${String(error)}`);
    }
    published();
    this.metrics.ingestMentions.inc({ outcome: 'accepted' }, parsed.mentions.length);
    return {
      status: 202,
      body: { accepted: parsed.mentions.length, rejected: rejectedIndexes.size, errors: parsed.errors },
    };
  }

  private knownBrandIds(): ReadonlySet<string> {
    const { plan } = this.plan.current();
    if (this.knownBrands?.plan !== plan) {
      this.knownBrands = { plan, ids: new Set(plan.brands.map((brand) => brand.id)) };
    }
    return this.knownBrands.ids;
  }
}

interface BodyParserError {
  type?: string;
  status?: number;
  message: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && 'type' in error && 'status' in error;
}

function send(response: Response, outcome: IngestOutcome): void {
  const json = JSON.stringify(outcome.body);
  response.writeHead(outcome.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  response.end(json);
}

/** A plain UTF-8 body, the form sources send: no content coding, no charset but UTF-8's. */
function isPlainUtf8(request: Request): boolean {
  const coding = request.headers['content-encoding'];
  if (coding !== undefined && coding.toLowerCase() !== 'identity') return false;
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1];
  return charset === undefined || /^utf-?8$/i.test(charset);
}

/**
 * Reads a plain UTF-8 body of at most `maxBytes`: a declared or actual larger body is a 413,
 * answered without reading the rest (the connection is then closed).
 */
function readPlainBody(request: Request, maxBytes: number): Promise<{ ok: true; body: string } | IngestOutcome> {
  const tooLarge = refusal(413, `request body larger than ${maxBytes} bytes`);
  if (Number(request.headers['content-length'] ?? 0) > maxBytes) return Promise.resolve(tooLarge);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes <= maxBytes) chunks.push(chunk);
      else {
        request.off('data', onData);
        request.pause();
        resolve(tooLarge);
      }
    };
    request.on('data', onData);
    request.once('end', () => {
      if (bytes <= maxBytes) resolve({ ok: true, body: Buffer.concat(chunks, bytes).toString('utf8') });
    });
    request.once('error', (error) => resolve(refusal(400, `unreadable body: ${error.message}`)));
  });
}

/**
 * POST /v1/mentions, on Express itself rather than through Nest's router: this route takes
 * thousands of one-mention requests a second, and the router, the body parser and Express's
 * answer helpers cost more CPU than reading, validating and producing the mention. A plain
 * UTF-8 body is read here; a compressed or other-charset one goes through Express's text parser.
 * Anything but a POST to the route itself falls through to Nest (404).
 */
export function mentionsRoute(intake: MentionsIntake, config: IngestConfig): RequestHandler {
  const logger = new Logger('ingest');
  const parseText = text({ type: [...ACCEPTED_CONTENT_TYPES, 'text/*'], limit: config.maxBodyBytes });
  const answer = (request: Request, response: Response, body: string): void => {
    intake.ingest(body, request.headers['content-type'], ingestKeyOf(response)).then(
      (outcome) => send(response, outcome),
      (error: unknown) => {
        logger.error(`POST /v1/mentions failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
        send(response, refusal(500, 'Internal server error'));
      },
    );
  };
  return (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'POST' || (request.path !== '/' && request.path !== '')) return next();
    if (!isPlainUtf8(request)) {
      parseText(request, response, (error?: unknown) => {
        if (error === undefined) return answer(request, response, typeof request.body === 'string' ? request.body : '');
        if (!isBodyParserError(error)) return next(error);
        const status = error.type === 'entity.too.large' ? 413 : error.status === 415 ? 415 : 400;
        const message =
          status === 413
            ? `request body larger than ${config.maxBodyBytes} bytes`
            : `unreadable body: ${error.message}`;
        send(response, refusal(status, message));
      });
      return;
    }
    readPlainBody(request, config.maxBodyBytes).then((read) => {
      if ('ok' in read) return answer(request, response, read.body);
      if (read.status === 413) response.setHeader('connection', 'close');
      send(response, read);
    }, next);
  };
}
