// Prometheus metrics: the default registry, process metrics, and HTTP request durations by route.
import type { FastifyInstance } from 'fastify';
import client from 'prom-client';

/** Process metrics (CPU, memory, event loop, GC), registered once per process. */
export function collectDefaults(): void {
  // Asking the registry, not a module flag: a second copy of this module must not register twice.
  if (client.register.getSingleMetric('process_cpu_user_seconds_total')) return;
  client.collectDefaultMetrics();
}

/** Everything registered, in the Prometheus text format (METRICS_CONTENT_TYPE). */
export async function metricsText(): Promise<string> {
  collectDefaults();
  return client.register.metrics();
}
export const METRICS_CONTENT_TYPE = client.register.contentType;

// Idempotent constructors: a module evaluated twice (tests, two bootstraps) gets the metric it made before.
function existing<T>(name: string): T | undefined {
  return client.register.getSingleMetric(name) as T | undefined;
}
export const counter = <T extends string>(c: client.CounterConfiguration<T>) =>
  existing<client.Counter<T>>(c.name) ?? new client.Counter(c);
export const histogram = <T extends string>(c: client.HistogramConfiguration<T>) =>
  existing<client.Histogram<T>>(c.name) ?? new client.Histogram(c);
export const gauge = <T extends string>(c: client.GaugeConfiguration<T>) =>
  existing<client.Gauge<T>>(c.name) ?? new client.Gauge(c);

const instrumented = new WeakSet<object>();

/** `http_request_duration_seconds{method,route,status}`, labelled with the route pattern, not the URL. */
export function registerHttpMetrics(fastify: FastifyInstance): void {
  if (instrumented.has(fastify)) return;
  instrumented.add(fastify);
  collectDefaults();
  const duration = histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  const started = new WeakMap<object, number>();
  fastify.addHook('onRequest', async (req) => {
    started.set(req, performance.now());
  });
  fastify.addHook('onResponse', async (req, reply) => {
    const t0 = started.get(req);
    if (t0 === undefined) return;
    // An unmatched URL must not become a label value: scanners would create one series per path.
    const route = req.routeOptions?.url ?? 'unmatched';
    duration.observe(
      { method: req.method, route, status: String(reply.statusCode) },
      (performance.now() - t0) / 1000,
    );
  });
}
