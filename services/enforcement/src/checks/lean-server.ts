// The plate check's hot path on NATS: a raw subscription (queue group `enforcement`) for
// `enforcement.check` and `enforcement.checks` in the lean wire format (contracts' lean.ts), without
// Nest's packet, envelope, interceptors or context headers. It keeps what they gave that matters: a span
// per request under the caller's trace, the rpc_server_duration_seconds metric, refusals as error bodies
// (a malformed message is 400, a fault 500 and logged), and the check log.
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { MsgHdrs, NatsConnection, Subscription } from '@nats-io/transport-node';
import { isAppError, type ErrorBody } from '@parking/contracts';
import { decodeLeanCheck, ENFORCEMENT_SUBJECTS, leanError } from '@parking/contracts/enforcement';
import { extractTraceContext } from '@parking/messaging';
import { histogram, type Clock } from '@parking/platform';
import type { Checks } from './checks.js';

const tracer = trace.getTracer('enforcement');

const serverDuration = histogram({
  name: 'rpc_server_duration_seconds',
  help: 'Time to answer one NATS request, by subject and outcome (ok or the error code)',
  labelNames: ['subject', 'outcome'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

export interface LeanServerLogger {
  error(obj: object, msg?: string): void;
}

/** The caller's trace context as the headers extractTraceContext reads. */
const traceHeaders = (traceparent: string) =>
  ({
    get: (k: string) => (k === 'traceparent' ? traceparent : ''),
    keys: () => ['traceparent'],
  }) as unknown as MsgHdrs;

/** Answers one lean request: the reply text (the HTTP body, or `!` and an error body). */
export function answerLean(
  checks: Checks,
  subject: string,
  text: string,
  now: Date,
  logger: LeanServerLogger,
) {
  const batch = subject === ENFORCEMENT_SUBJECTS.checks;
  const req = decodeLeanCheck(text);
  if (!req)
    return {
      reply: leanError({ code: 'VALIDATION', message: 'Not a lean check request' }),
      outcome: 'VALIDATION',
    };
  const parent = extractTraceContext(req.traceparent ? traceHeaders(req.traceparent) : undefined);
  const span = tracer.startSpan(
    `rpc ${subject}`,
    { kind: SpanKind.SERVER, attributes: { plates: req.vehicles.length } },
    parent,
  );
  try {
    return { reply: checks.lean(req, batch, now), outcome: 'ok' };
  } catch (err) {
    let body: ErrorBody;
    if (isAppError(err)) body = err.toBody();
    else {
      logger.error({ err, subject, correlationId: req.correlationId }, 'lean check failed');
      span.setStatus({ code: SpanStatusCode.ERROR });
      body = { code: 'INTERNAL', message: 'internal error' };
    }
    return { reply: leanError(body), outcome: body.code };
  } finally {
    span.end();
  }
}

export function serveLeanChecks(options: {
  nc: NatsConnection;
  checks: Checks;
  clock: Clock;
  logger: LeanServerLogger;
  queue?: string;
}): { stop(): Promise<void> } {
  const subs: Subscription[] = [ENFORCEMENT_SUBJECTS.check, ENFORCEMENT_SUBJECTS.checks].map((subject) =>
    options.nc.subscribe(subject, {
      queue: options.queue ?? 'enforcement',
      callback: (err, msg) => {
        if (err) return;
        const started = performance.now();
        const { reply, outcome } = answerLean(
          options.checks,
          subject,
          msg.string(),
          options.clock.now(),
          options.logger,
        );
        msg.respond(reply);
        serverDuration.observe({ subject, outcome }, (performance.now() - started) / 1000);
      },
    }),
  );
  return {
    async stop() {
      await Promise.all(subs.map((s) => s.drain()));
    },
  };
}
