// The incoming W3C trace context, kept only when well-formed, for when no tracing SDK runs: the RpcClient
// then forwards it as is (with the SDK, the active span's own context goes instead).
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

export function incomingTrace(headers: Record<string, string | string[] | undefined>): {
  traceparent?: string;
  tracestate?: string;
} {
  const traceparent = typeof headers.traceparent === 'string' ? headers.traceparent.trim() : undefined;
  if (!traceparent || !TRACEPARENT.test(traceparent)) return {};
  const tracestate = typeof headers.tracestate === 'string' ? headers.tracestate.slice(0, 512) : undefined;
  return tracestate ? { traceparent, tracestate } : { traceparent };
}
