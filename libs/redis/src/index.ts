export * from './redis.config';
export * from './redis.factory';
export * from './dedupe-window.store';
export * from './partition-checkpoint.store';
export * from './recent-list.store';
export * from './due-queue';
export * from './alert.store';
export * from './redis.providers';
