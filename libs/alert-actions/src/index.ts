export * from './alert-actions';
