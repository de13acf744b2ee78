import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { context, propagation, trace } from '@opentelemetry/api';
import { Writable } from 'node:stream';
import { createLogger } from './logging.js';
import { currentTraceparent } from './trace.js';
import { startTracing, type SpanProcessor } from './tracing.js';

const OTEL_VARS = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_LOGS_EXPORTER',
  'OTEL_METRICS_EXPORTER',
  'OTEL_TRACES_EXPORTER',
  'OTEL_SERVICE_NAME',
];

function capture() {
  let out = '';
  const destination = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  });
  return {
    logger: createLogger({ name: 't', destination }),
    lines: () =>
      out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, string>),
  };
}

describe('startTracing', () => {
  const saved: Record<string, string | undefined> = {};
  let stop: (() => Promise<void>) | undefined;
  beforeEach(() => {
    for (const key of OTEL_VARS) {
      saved[key] = process.env[key];
      delete process.env[key];
    }
  });
  afterEach(async () => {
    await stop?.();
    // The SDK registers global providers once per process; these let the next test register again.
    trace.disable();
    propagation.disable();
    context.disable();
    for (const key of OTEL_VARS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('without an exporter, still gives spans ids that logs and traceparent carry', () => {
    stop = startTracing({ serviceName: 'tracing-test' }).shutdown;
    expect(process.env.OTEL_TRACES_EXPORTER).toBe('none');
    expect(process.env.OTEL_LOGS_EXPORTER).toBe('none');
    expect(process.env.OTEL_METRICS_EXPORTER).toBe('none');
    const { logger, lines } = capture();
    let traceparent: string | undefined;
    trace.getTracer('test').startActiveSpan('work', (span) => {
      logger.info('inside a span');
      traceparent = currentTraceparent();
      span.end();
    });
    const [line] = lines();
    expect(line!.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(line!.trace_id).not.toBe('0'.repeat(32));
    expect(traceparent).toBe(`00-${line!.trace_id}-${line!.span_id}-01`);
  });

  it('continues a W3C traceparent it is given', () => {
    const ended: string[] = [];
    const record: SpanProcessor = {
      onStart: () => undefined,
      onEnd: (span) => void ended.push(span.spanContext().traceId),
      forceFlush: async () => undefined,
      shutdown: async () => undefined,
    };
    stop = startTracing({ serviceName: 'tracing-test', spanProcessors: [record] }).shutdown;
    const incoming = propagation.extract(context.active(), {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    context.with(incoming, () => trace.getTracer('test').startActiveSpan('child', (span) => span.end()));
    expect(ended).toEqual(['0af7651916cd43dd8448eb211c80319c']);
  });

  it('exports over OTLP when an endpoint is configured', () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://127.0.0.1:9';
    stop = startTracing({ serviceName: 'tracing-test' }).shutdown;
    expect(process.env.OTEL_TRACES_EXPORTER).toBe('otlp');
  });

  it('logs no trace ids outside a span', () => {
    const { logger, lines } = capture();
    logger.info('no span');
    expect(lines()[0]!.trace_id).toBeUndefined();
    expect(currentTraceparent()).toBeUndefined();
  });
});
