export * from './database.js';
export * from './nats.js';
export * from './decider.js';
export * from './fake-stripe.js';
