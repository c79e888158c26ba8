export * from './tocsin-metrics';
export * from './metrics.providers';
export * from './json-logging';
export * from './metrics.controller';
export * from './monitored-wiring';
