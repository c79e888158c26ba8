export * from './kafka.config';
export * from './kafka.factory';
export * from './topic.admin';
export * from './record.publisher';
export * from './batch-consumer.runner';
export * from './json-record.decoder';
export * from './topic-consumer';
export * from './kafka.providers';
