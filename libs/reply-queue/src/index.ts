export * from './reply-entry.schema';
export * from './reply-admission';
export * from './reply-matching';
export * from './reply-urgency';
export * from './reply-stats';
export * from './reply-overdue';
