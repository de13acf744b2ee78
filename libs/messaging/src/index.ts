// Messaging: the NATS connection and PARKING stream, durable consumers with inbox and dead letters,
// request/reply in Nest's wire format with the reply envelope, and trace context in headers.
export * from './types.js';
export * from './nats.js';
export * from './trace-headers.js';
export * from './rpc-client.js';
export * from './rpc-server.js';
export * from './consumer.js';
export * from './migrations.js';
export * from './service-infrastructure.js';
export * from './dead-letters.js';
