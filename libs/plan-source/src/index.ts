export * from './plan.source';
export * from './plan-source.provider';
