export const KAFKA_CLIENT = Symbol('KafkaClient');
export const REDIS_CLIENT = Symbol('RedisClient');
