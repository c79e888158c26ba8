export * from './access.schema';
export * from './access-policy';
