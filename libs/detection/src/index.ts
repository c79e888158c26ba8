export * from './nab-scoring';
export * from './nab-csv';
export * from './spike-detector';
export * from './novelty-detector';
export * from './series-run';
export * from './brand-signals';
