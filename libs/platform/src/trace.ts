// The active trace context as W3C header values, for what our own code sends (NATS headers, events).
import { context, propagation } from '@opentelemetry/api';

/** `traceparent` and `tracestate` of the active span; empty when nothing is being traced. */
export function traceContext(): { traceparent?: string; tracestate?: string } {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return { traceparent: carrier.traceparent, tracestate: carrier.tracestate };
}

/** The active span's `traceparent` header value, or undefined when nothing is being traced. */
export function currentTraceparent(): string | undefined {
  return traceContext().traceparent;
}
