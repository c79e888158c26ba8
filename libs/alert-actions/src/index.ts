export * from './alert-actions';
export * from './reply-queue-actions';
