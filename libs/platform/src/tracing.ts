// OpenTelemetry for a service process. main.ts calls startTracing() first and only then imports the rest
// (`const { bootstrap } = await import('./bootstrap.js')`), so that http and pg are patched when they load.
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { core, NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';

export type SpanProcessor = NonNullable<NodeSDKConfiguration['spanProcessors']>[number];

export interface TracingOptions {
  serviceName: string;
  /** Replaces the exporter choice below (tests record spans with this). */
  spanProcessors?: SpanProcessor[];
}

/**
 * Without an exporter the SDK installs no tracer provider at all, and then spans have no ids: logs would
 * carry no trace id and no traceparent would be propagated. This processor keeps the provider alive.
 */
const discardSpans: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};

let started: { shutdown(): Promise<void> } | undefined;

export function startTracing(options: TracingOptions): { shutdown(): Promise<void> } {
  if (started) return started;
  const env = process.env;
  // Unset, the SDK dials 127.0.0.1:4318 for logs and metrics: we export those otherwise (pino, /metrics).
  env.OTEL_LOGS_EXPORTER ??= 'none';
  env.OTEL_METRICS_EXPORTER ??= 'none';
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) env.OTEL_TRACES_EXPORTER ??= 'otlp';
  env.OTEL_TRACES_EXPORTER ??= 'none';
  env.OTEL_EXPORTER_OTLP_PROTOCOL ??= 'http/protobuf';
  env.OTEL_SERVICE_NAME ??= options.serviceName;

  const exportsNothing = env.OTEL_TRACES_EXPORTER === 'none';
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    textMapPropagator: new core.CompositePropagator({
      propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()],
    }),
    // Undefined lets the SDK build the OTLP/HTTP exporter from OTEL_EXPORTER_OTLP_* variables.
    spanProcessors: options.spanProcessors ?? (exportsNothing ? [discardSpans] : undefined),
    instrumentations: [
      getNodeAutoInstrumentations({
        // Per-syscall spans: noise that costs more than it tells.
        '@opentelemetry/instrumentation-fs': { enabled: false },
        '@opentelemetry/instrumentation-dns': { enabled: false },
        '@opentelemetry/instrumentation-net': { enabled: false },
        // pino gets trace ids from our own mixin (logging.ts); its log sending needs a logs exporter.
        '@opentelemetry/instrumentation-pino': { enabled: false },
        // Health probes and metric scrapes every few seconds would drown the real traffic.
        '@opentelemetry/instrumentation-http': {
          ignoreIncomingRequestHook: (req) => /^\/(health|metrics)\b/.test(req.url ?? ''),
        },
      }),
    ],
  });
  sdk.start();
  const handle = {
    shutdown: async () => {
      started = undefined;
      await sdk.shutdown();
    },
  };
  started = handle;
  return handle;
}
