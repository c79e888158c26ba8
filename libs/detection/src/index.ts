export * from './spike-detector';
export * from './brand-signals';
