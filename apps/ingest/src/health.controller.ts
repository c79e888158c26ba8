import { Controller, Get, HttpException, Inject } from '@nestjs/common';
import { isKafkaReady, KAFKA_CLIENT } from '@tocsin/kafka';
import { isRedisReady, REDIS_CLIENT } from '@tocsin/redis';
import type Redis from 'ioredis';
import type { Kafka } from 'kafkajs';

type Readiness = 'ready' | 'unreachable';

/** Open to anyone who reaches the port: it tells whether Kafka and Redis answer, nothing else. */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  @Get()
  async health(): Promise<{ status: 'ok'; kafka: Readiness; redis: Readiness }> {
    const [kafka, redis] = await Promise.all([isKafkaReady(this.kafka), isRedisReady(this.redis)]);
    const answer = { kafka: kafka ? 'ready' : 'unreachable', redis: redis ? 'ready' : 'unreachable' } as const;
    if (!kafka || !redis) throw new HttpException({ status: 'unavailable', ...answer }, 503);
    return { status: 'ok', ...answer };
  }
}
