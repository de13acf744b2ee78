// The PostgreSQL event store: appends, stream reads, the commit-ordered global reader, local
// subscriptions with checkpoints, and the outbox publisher to JetStream.
export * from './types.js';
export * from './migrations.js';
export * from './postgres-event-store.js';
export * from './handle-command.js';
export * from './checkpoints.js';
export * from './catch-up-loop.js';
export * from './subscription.js';
export * from './outbox.js';
export * from './transaction.js';
export * from './metadata.js';
