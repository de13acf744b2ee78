// Request/reply to a NestJS service over NATS, in Nest's packet format, carrying the request context
// (operator, caller, correlation id, trace) in headers and unwrapping the `{ ok, data | error }` envelope.
import { randomUUID } from 'node:crypto';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { AppError, HEADERS, type Envelope, type RequestContext } from '@parking/contracts';
import client from 'prom-client';
import { injectTraceHeaders } from './trace-headers.js';

const clientDuration =
  (client.register.getSingleMetric('rpc_client_duration_seconds') as client.Histogram<
    'subject' | 'outcome'
  >) ??
  new client.Histogram({
    name: 'rpc_client_duration_seconds',
    help: 'Round trip of one NATS request, by subject and outcome (ok, the error code, or UNAVAILABLE)',
    labelNames: ['subject', 'outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });

export function contextHeaders(ctx: RequestContext) {
  const h = natsHeaders();
  h.set(HEADERS.operatorId, ctx.operatorId);
  h.set(HEADERS.caller, JSON.stringify(ctx.caller));
  h.set(HEADERS.correlationId, ctx.correlationId);
  if (ctx.clientAddress) h.set(HEADERS.clientAddress, ctx.clientAddress);
  injectTraceHeaders(h);
  if (!h.has(HEADERS.traceparent) && ctx.traceparent) {
    h.set(HEADERS.traceparent, ctx.traceparent);
    if (ctx.tracestate) h.set(HEADERS.tracestate, ctx.tracestate);
  }
  return h;
}

export class RpcClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly options: { defaultTimeoutMs?: number } = {},
  ) {}

  async request<T>(
    subject: string,
    data: unknown,
    ctx: RequestContext,
    options: { timeoutMs?: number } = {},
  ): Promise<T> {
    const timer = clientDuration.startTimer({ subject });
    try {
      const value = await this.send<T>(subject, data, ctx, options);
      timer({ outcome: 'ok' });
      return value;
    } catch (err) {
      timer({ outcome: (err as { code?: string }).code ?? 'INTERNAL' });
      throw err;
    }
  }

  private async send<T>(
    subject: string,
    data: unknown,
    ctx: RequestContext,
    options: { timeoutMs?: number },
  ): Promise<T> {
    const packet = JSON.stringify({ pattern: subject, data, id: randomUUID() });
    let reply;
    try {
      reply = await this.nc.request(subject, packet, {
        timeout: options.timeoutMs ?? this.options.defaultTimeoutMs ?? 5_000,
        headers: contextHeaders(ctx),
      });
    } catch (err) {
      const text = String((err as Error).message ?? err);
      throw new AppError(
        'UNAVAILABLE',
        /no responders/i.test(text) ? `${subject}: no service answers` : `${subject}: ${text}`,
      );
    }
    const body = reply.json<{ response?: Envelope<T>; err?: unknown }>();
    if (body.err !== undefined && body.err !== null) throw new AppError('INTERNAL', `${subject} failed`);
    const envelope = body.response;
    if (!envelope || typeof envelope !== 'object' || !('ok' in envelope)) {
      throw new AppError('INTERNAL', `${subject} answered without an envelope`);
    }
    if (envelope.ok) return envelope.data;
    throw AppError.fromBody(envelope.error);
  }
}
