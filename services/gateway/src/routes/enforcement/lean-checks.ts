// The plate check's hot path: GET /v1/enforcement/check and POST /v1/enforcement/checks as plain Fastify
// routes, outside Nest's per-request machinery (guard, interceptors, pipes, exception filter), talking to
// enforcement in the lean wire format (contracts' lean.ts) and sending its answer on as the body.
// What the contract and security need is all here, in order: the token verified (a revoked device refused
// at once; another operator's token 401), the operator resolved, the role (officer or device), zod
// validation naming the field, a zone-scoped device kept to its zones (403), problem+json for every
// refusal, x-request-id, metrics, and the trace carried to enforcement (which writes the check log).
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { AppError, parseOrThrow, type Caller, type RequestContext } from '@parking/contracts';
import {
  checkSchema,
  checksSchema,
  encodeLeanCheck,
  ENFORCEMENT_SUBJECTS,
  leanErrorOf,
  type LeanCheckRequest,
} from '@parking/contracts/enforcement';
import { traceparentOf } from '@parking/messaging';
import { checkResponse, listOf } from '@parking/contracts/responses';
import { histogram, toProblem } from '@parking/platform';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import type { Access } from '../../http/access.js';
import { admit } from '../../http/admission.js';
import { toAppError } from '../../http/to-app-error.js';
import { incomingTrace } from '../../http/trace-context.js';
import type { DocumentedRoute } from '../../openapi/openapi.js';
import { assertZoneAllowed } from './enforcement.controller.js';

const ACCESS: Access = { kind: 'roles', roles: ['officer', 'device'] };
const tag = 'Enforcement';

/** For the OpenAPI document (these routes have no Nest decorators to read). */
export const LEAN_CHECK_ROUTES: DocumentedRoute[] = [
  {
    method: 'get',
    path: '/v1/enforcement/check',
    access: ACCESS,
    status: 200,
    doc: {
      operationId: 'checkPlate',
      tag,
      response: checkResponse,
      description: 'A zone-scoped device gets 403 outside its zones.',
      summary: 'May this plate park in this zone at this time?',
      query: checkSchema,
    },
    headers: [],
    noOperator: false,
    handler: 'check',
    controller: 'EnforcementController',
  },
  {
    method: 'post',
    path: '/v1/enforcement/checks',
    access: ACCESS,
    status: 200,
    doc: {
      operationId: 'checkPlates',
      tag,
      response: listOf(checkResponse),
      summary: 'Check up to 1000 plates in one zone, answered in the same order',
      body: checksSchema,
    },
    headers: [],
    noOperator: false,
    handler: 'checks',
    controller: 'EnforcementController',
  },
];

const clientDuration = histogram({
  name: 'rpc_client_duration_seconds',
  help: 'Round trip of one NATS request, by subject and outcome (ok, the error code, or UNAVAILABLE)',
  labelNames: ['subject', 'outcome'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

const header = (req: FastifyRequest, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The caller as enforcement's check log names it. */
function callerName(caller: Caller): string {
  if (caller.kind === 'user') return `user:${caller.userId}`;
  if (caller.kind === 'device') return `device:${caller.deviceId}`;
  return caller.kind === 'system' ? `system:${caller.service}` : 'anonymous';
}

async function ask(deps: Deps, subject: string, request: LeanCheckRequest): Promise<string> {
  const started = performance.now();
  let outcome = 'ok';
  try {
    let text: string;
    try {
      const reply = await deps.nc.request(subject, encodeLeanCheck(request), {
        timeout: deps.config.RPC_TIMEOUT_MS,
      });
      text = reply.string();
    } catch (err) {
      const message = String((err as Error).message ?? err);
      throw new AppError(
        'UNAVAILABLE',
        /no responders/i.test(message) ? `${subject}: no service answers` : `${subject}: ${message}`,
      );
    }
    const refused = leanErrorOf(text);
    if (refused) throw AppError.fromBody(refused);
    return text;
  } catch (err) {
    outcome = (err as { code?: string }).code ?? 'INTERNAL';
    throw err;
  } finally {
    clientDuration.observe({ subject, outcome }, (performance.now() - started) / 1000);
  }
}

export function registerLeanChecks(fastify: FastifyInstance, deps: Deps): void {
  const serve = async (
    req: FastifyRequest,
    reply: FastifyReply,
    subject: string,
    parse: () => { zone: string; at?: string; vehicles: { plate: string; country: string }[] },
  ) => {
    const { operator, caller } = await admit(
      {
        access: ACCESS,
        authorization: header(req, 'authorization'),
        xOperator: header(req, 'x-operator'),
        host: req.host,
      },
      {
        tokens: deps.tokens,
        operators: () => deps.operators.snapshot(),
        deviceRevoked: (id) => deps.revokedDevices.has(id),
      },
    );
    const incoming = incomingTrace(req.headers);
    const ctx: RequestContext = {
      operatorId: operator?.id ?? '',
      caller,
      correlationId: req.id,
      clientAddress: req.ip,
      ...incoming,
    };
    req.gateway = { operator, ctx };
    const request = parse();
    assertZoneAllowed(ctx, request.zone);
    const roles = caller.kind === 'user' || caller.kind === 'device' ? caller.roles : [];
    // With the tracing SDK the active span is the HTTP request's; without it, the client's traceparent.
    const traceparent = traceparentOf().traceparent ?? incoming.traceparent ?? null;
    const body = await ask(deps, subject, {
      operatorId: ctx.operatorId,
      caller: callerName(caller),
      roles,
      zoneScope: caller.kind === 'device' ? (caller.zoneIds ?? null) : null,
      correlationId: req.id,
      traceparent,
      zone: request.zone,
      at: request.at ? Date.parse(request.at) : null,
      vehicles: request.vehicles,
    });
    return reply.type('application/json; charset=utf-8').send(body);
  };

  void fastify.register(async (lean) => {
    // This context's own error handler: Nest's exception filter does not run for these routes.
    lean.setErrorHandler((err: FastifyError, req, reply) => {
      const route = `${req.method} ${req.url.split('?')[0]}`;
      const error = toAppError(err, route);
      if (error.code === 'INTERNAL' || error.code === 'UNAVAILABLE') {
        deps.logger[error.code === 'INTERNAL' ? 'error' : 'warn'](
          { err, reqId: req.id, route: req.routeOptions?.url ?? 'unmatched' },
          'request failed',
        );
        trace.getActiveSpan()?.setStatus({ code: SpanStatusCode.ERROR });
      }
      const problem = toProblem(error);
      return reply.status(problem.status).headers(problem.headers).send(problem.body);
    });

    lean.get('/v1/enforcement/check', (req, reply) =>
      serve(req, reply, ENFORCEMENT_SUBJECTS.check, () => {
        const q = parseOrThrow(checkSchema, req.query);
        return { zone: q.zone, at: q.at, vehicles: [{ plate: q.plate, country: q.country }] };
      }),
    );

    lean.post('/v1/enforcement/checks', (req, reply) =>
      serve(req, reply, ENFORCEMENT_SUBJECTS.checks, () => {
        const b = parseOrThrow(checksSchema, req.body);
        return {
          zone: b.zone,
          at: b.at,
          vehicles: b.plates.map((p) => (typeof p === 'string' ? { plate: p, country: 'NO' } : p)),
        };
      }),
    );
  });
}
