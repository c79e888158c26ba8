import { Controller, Get, HttpException, Inject, Injectable } from '@nestjs/common';
import { MetricsController } from '@tocsin/observability';
import { isKafkaReady, KAFKA_CLIENT, type BatchConsumerRunner } from '@tocsin/kafka';
import { PlanSource } from '@tocsin/plan-source';
import { isRedisReady, REDIS_CLIENT } from '@tocsin/redis';
import type Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import { Public } from './auth/access.guard';

interface Health {
  status: 'ok' | 'unavailable';
  kafka: 'ready' | 'unreachable';
  redis: 'ready' | 'unreachable';
  /** `joining` while a consumer group join is under way; sockets and commands are served meanwhile. */
  consumers: 'joined' | 'joining';
  planVersion: string;
}

/** Whether the gateway's consumers have joined their groups. */
@Injectable()
export class ConsumerReadiness {
  private runners: ReadonlyArray<BatchConsumerRunner<unknown>> = [];

  watch(runners: ReadonlyArray<BatchConsumerRunner<unknown>>): void {
    this.runners = runners;
  }

  joined(): boolean {
    return this.runners.every((runner) => runner.hasJoined());
  }
}

/** Readiness for a load balancer: 200 when Kafka and Redis answer, 503 naming what does not. */
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly plan: PlanSource,
    private readonly readiness: ConsumerReadiness,
  ) {}

  @Get()
  async health(): Promise<Health> {
    const [kafkaReady, redisReady] = await Promise.all([isKafkaReady(this.kafka), isRedisReady(this.redis)]);
    const health: Health = {
      status: kafkaReady && redisReady ? 'ok' : 'unavailable',
      kafka: kafkaReady ? 'ready' : 'unreachable',
      redis: redisReady ? 'ready' : 'unreachable',
      consumers: this.readiness.joined() ? 'joined' : 'joining',
      planVersion: this.plan.current().version,
    };
    if (health.status !== 'ok') throw new HttpException(health, 503);
    return health;
  }
}

/**
 * The Prometheus scrape endpoint, open like health: every gateway route is closed unless it says
 * otherwise, and a scraper has no session. Its port belongs on the private network.
 */
@Public()
@Controller('metrics')
export class OpenMetricsController extends MetricsController {}
