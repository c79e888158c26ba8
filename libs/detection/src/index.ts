export * from './spike-detector';
export * from './brand-signals';
export * from './brand-signals-merge';
