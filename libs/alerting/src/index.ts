export * from './alert.schema';
export * from './alert-lifecycle';
export * from './escalation';
export * from './silence.schema';
export * from './silence';
export * from './inhibition';
