// The shared language of the platform: error codes, the reply envelope, request context and value
// objects here; each context's NATS subjects, request/reply schemas and integration events under
// `@parking/contracts/<context>`.
export * from './common/index.js';
