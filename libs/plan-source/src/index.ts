export * from './plan.source';
