// W3C trace context in NATS headers, so one trace runs from the HTTP request through every service.
import { context, propagation, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { MsgHdrs } from '@nats-io/transport-node';

let registered = false;
function ensurePropagator() {
  if (registered) return;
  registered = true;
  // Without the SDK the global propagator is a no-op; the W3C one needs no SDK to carry ids.
  if (propagation.fields().length === 0) propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

export function injectTraceHeaders(headers: MsgHdrs, ctx: Context = context.active()): void {
  ensurePropagator();
  propagation.inject(ctx, headers, { set: (carrier, key, value) => carrier.set(key, value) });
}

export function extractTraceContext(headers: MsgHdrs | undefined): Context {
  ensurePropagator();
  if (!headers) return context.active();
  return propagation.extract(context.active(), headers, {
    get: (carrier, key) => carrier.get(key) || undefined,
    keys: (carrier) => carrier.keys(),
  });
}

export function traceparentOf(ctx: Context = context.active()): {
  traceparent?: string;
  tracestate?: string;
} {
  ensurePropagator();
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return { traceparent: carrier.traceparent, tracestate: carrier.tracestate };
}
