// The service side of request/reply: the request context from NATS headers, and an interceptor that
// turns a handler's result or error into the `{ ok, data | error }` envelope inside a trace span.
import {
  createParamDecorator,
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { NatsContext, Transport } from '@nestjs/microservices';
import { context as otelContext, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  AppError,
  callerSchema,
  fail,
  HEADERS,
  isAppError,
  ok,
  zodFieldErrors,
  type Caller,
  type RequestContext,
} from '@parking/contracts';
import client from 'prom-client';
import { from, Observable } from 'rxjs';
import { ZodError } from 'zod';
import { extractTraceContext } from './trace-headers.js';

export function contextFromNats(ctx: NatsContext): RequestContext {
  const h = ctx.getHeaders?.();
  const get = (k: string) => h?.get(k) || undefined;
  let caller: Caller = { kind: 'anonymous' };
  const raw = get(HEADERS.caller);
  if (raw) {
    try {
      caller = callerSchema.parse(JSON.parse(raw));
    } catch {
      caller = { kind: 'anonymous' };
    }
  }
  return {
    operatorId: get(HEADERS.operatorId) ?? '',
    caller,
    correlationId: get(HEADERS.correlationId) ?? '',
    traceparent: get(HEADERS.traceparent),
    tracestate: get(HEADERS.tracestate),
    clientAddress: get(HEADERS.clientAddress),
  };
}

/** The request's context (operator, caller, correlation id, trace) in a NATS handler. */
export const RpcContext = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  return contextFromNats(ctx.switchToRpc().getContext<NatsContext>());
});

const tracer = trace.getTracer('messaging');

const serverDuration =
  (client.register.getSingleMetric('rpc_server_duration_seconds') as client.Histogram<
    'subject' | 'outcome'
  >) ??
  new client.Histogram({
    name: 'rpc_server_duration_seconds',
    help: 'Time to answer one NATS request, by subject and outcome (ok or the error code)',
    labelNames: ['subject', 'outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });

function toErrorBody(err: unknown, logger: Logger) {
  if (isAppError(err)) return err.toBody();
  if (err instanceof ZodError)
    return new AppError('VALIDATION', 'The request is not valid', { fields: zodFieldErrors(err) }).toBody();
  logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  return { code: 'INTERNAL' as const, message: 'internal error' };
}

@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  private readonly logger = new Logger('rpc');

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const nats = context.switchToRpc().getContext<NatsContext>();
    const subject = nats.getSubject?.() ?? 'rpc';
    const parent = extractTraceContext(nats.getHeaders?.());
    const span = tracer.startSpan(`rpc ${subject}`, { kind: SpanKind.SERVER }, parent);
    const timer = serverDuration.startTimer({ subject });
    let outcome = 'ok';
    const run = async () => {
      try {
        const value = await otelContext.with(trace.setSpan(parent, span), async () => {
          const result = next.handle();
          return await new Promise((resolve, reject) => {
            let last: unknown;
            result.subscribe({ next: (v) => (last = v), error: reject, complete: () => resolve(last) });
          });
        });
        return ok(value ?? null);
      } catch (err) {
        const body = toErrorBody(err, this.logger);
        outcome = body.code;
        if (body.code === 'INTERNAL') span.setStatus({ code: SpanStatusCode.ERROR });
        return fail(body);
      } finally {
        timer({ outcome });
        span.end();
      }
    };
    return from(run());
  }
}

export function natsTransportOptions(options: { url: string; queue: string }) {
  return {
    transport: Transport.NATS as const,
    options: { servers: options.url.split(','), queue: options.queue },
  };
}
