// Service defaults shared by every service and the gateway: config, logs, health, metrics, shutdown,
// clock, the problem+json mapping, and the Nest bootstrap. Tracing start-up is `@parking/platform/tracing`.
export * from './config.js';
export * from './logging.js';
export * from './problem.js';
export * from './health.js';
export * from './metrics.js';
export * from './shutdown.js';
export * from './clock.js';
export * from './bootstrap.js';
export * from './trace.js';
export * from './port-report.js';
export * from './production-guards.js';
