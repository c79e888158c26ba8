import { Controller, Get, HttpException, Inject } from '@nestjs/common';
import { isKafkaReady, KAFKA_CLIENT } from '@tocsin/kafka';
import { PlanSource } from '@tocsin/plan-source';
import { REDIS_CLIENT } from '@tocsin/redis';
import type Redis from 'ioredis';
import type { Kafka } from 'kafkajs';

interface Health {
  status: 'ok' | 'unavailable';
  kafka: 'ready' | 'unreachable';
  redis: 'ready' | 'unreachable';
  planVersion: string;
}

/** Readiness for a load balancer: 200 when Kafka and Redis answer, 503 naming what does not. */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly plan: PlanSource,
  ) {}

  @Get()
  async health(): Promise<Health> {
    const [kafkaReady, redisReady] = await Promise.all([
      isKafkaReady(this.kafka),
      this.redis.ping().then(
        (answer) => answer === 'PONG',
        () => false,
      ),
    ]);
    const health: Health = {
      status: kafkaReady && redisReady ? 'ok' : 'unavailable',
      kafka: kafkaReady ? 'ready' : 'unreachable',
      redis: redisReady ? 'ready' : 'unreachable',
      planVersion: this.plan.current().version,
    };
    if (health.status !== 'ok') throw new HttpException(health, 503);
    return health;
  }
}
