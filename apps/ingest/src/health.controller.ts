import { Controller, Get, HttpException, Inject } from '@nestjs/common';
import { isKafkaReady, KAFKA_CLIENT } from '@tocsin/kafka';
import type { Kafka } from 'kafkajs';

@Controller('health')
export class HealthController {
  constructor(@Inject(KAFKA_CLIENT) private readonly kafka: Kafka) {}

  @Get()
  async health(): Promise<{ status: 'ok'; kafka: 'ready' }> {
    if (!(await isKafkaReady(this.kafka))) {
      throw new HttpException({ status: 'unavailable', kafka: 'unreachable' }, 503);
    }
    return { status: 'ok', kafka: 'ready' };
  }
}
