export * from './mention.schema';
export * from './enriched-mention';
export * from './brand.schema';
export * from './brand-matching';
export * from './signal';
export * from './clock';
export * from './errors';
export * from './topics';
