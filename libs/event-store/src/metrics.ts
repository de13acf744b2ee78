// The event store's Prometheus metrics (default registry; safe to load twice).
import client from 'prom-client';

function once<T>(name: string, make: () => T): T {
  return (client.register.getSingleMetric(name) as T | undefined) ?? make();
}

export const appendedTotal = once(
  'es_events_appended_total',
  () =>
    new client.Counter({
      name: 'es_events_appended_total',
      help: 'Events appended',
      labelNames: ['stream_type'],
    }),
);
export const appendDuration = once(
  'es_append_duration_seconds',
  () =>
    new client.Histogram({
      name: 'es_append_duration_seconds',
      help: 'Time of one append statement',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    }),
);
export const outboxPublishedTotal = once(
  'es_outbox_published_total',
  () =>
    new client.Counter({
      name: 'es_outbox_published_total',
      help: 'Events published to JetStream by the outbox',
    }),
);
export const outboxLag = once(
  'es_outbox_lag_events',
  () => new client.Gauge({ name: 'es_outbox_lag_events', help: 'Events not yet published by the outbox' }),
);
export const subscriptionHandledTotal = once(
  'es_subscription_events_total',
  () =>
    new client.Counter({
      name: 'es_subscription_events_total',
      help: 'Events handled by local subscriptions',
      labelNames: ['subscription'],
    }),
);
