// The OpenAPI 3.1 document of the routes the gateway serves, read from the controllers' own decorators
// (path, method, status, roles, headers) and their zod schemas (zod 4's JSON Schema): request bodies and
// queries from the schemas the routes parse with, answers from `@parking/contracts/responses`, refusals
// as problem+json with the very bodies the gateway sends. Generated at start, so it cannot drift.
import { RequestMethod, type Type } from '@nestjs/common';
import {
  HTTP_CODE_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { AppError, type ErrorCode } from '@parking/contracts';
import { toProblem } from '@parking/platform';
import { z } from 'zod';
import { ACCESS_KEY, NO_OPERATOR_KEY, type Access } from '../http/access.js';
import { API_DOC_KEY, type RouteDoc } from './api-doc.js';

export interface DocumentedRoute {
  method: string;
  /** OpenAPI form: `/v1/products/{productId}`. */
  path: string;
  access: Access;
  doc: RouteDoc;
  status: number;
  /** Request headers the handler reads (lower case). */
  headers: string[];
  noOperator: boolean;
  handler: string;
  controller: string;
}

const join = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/');

function headersRead(controller: Type, handler: string): string[] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {}) as Record<
    string,
    { data?: unknown }
  >;
  return Object.entries(args)
    .filter(
      ([key, arg]) => key.split(':')[0] === String(RouteParamtypes.HEADERS) && typeof arg.data === 'string',
    )
    .map(([, arg]) => (arg.data as string).toLowerCase());
}

export function documentedRoutes(controllers: Type[]): DocumentedRoute[] {
  const routes: DocumentedRoute[] = [];
  for (const controller of controllers) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const classAccess = Reflect.getMetadata(ACCESS_KEY, controller) as Access | undefined;
    const classNoOperator = Reflect.getMetadata(NO_OPERATOR_KEY, controller) === true;
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = controller.prototype[name];
      if (typeof handler !== 'function' || name === 'constructor') continue;
      const doc = Reflect.getMetadata(API_DOC_KEY, handler) as RouteDoc | undefined;
      const methodCode = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (!doc || methodCode === undefined) continue;
      const method = RequestMethod[methodCode].toLowerCase();
      const path = join(base, String(Reflect.getMetadata(PATH_METADATA, handler) ?? '')).replace(
        /:(\w+)/g,
        '{$1}',
      );
      const access = (Reflect.getMetadata(ACCESS_KEY, handler) as Access | undefined) ??
        classAccess ?? { kind: 'anyone' };
      const status =
        (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ??
        (method === 'post' ? 201 : 200);
      routes.push({
        method,
        path,
        access,
        doc,
        status,
        headers: headersRead(controller, name),
        noOperator: classNoOperator || Reflect.getMetadata(NO_OPERATOR_KEY, handler) === true,
        handler: name,
        controller: controller.name,
      });
    }
  }
  return routes;
}

const SCHEMA_REF = '#/components/schemas/';
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12', reused: 'inline' }) as Record<
    string,
    unknown
  >;

/**
 * One JSON Schema for the document: named schemas (`.meta({ id })`, which zod puts in `$defs`) become
 * components shared by every operation, and references point there.
 */
function component(schema: z.ZodType, io: 'input' | 'output', components: Record<string, object>) {
  const { $defs, $schema: _, ...json } = jsonSchema(schema, io);
  const relink = <T>(value: T): T =>
    JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', `"${SCHEMA_REF}`)) as T;
  for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, object>))
    components[id] ??= relink(def);
  return relink(json);
}

/** The refusals every route may give, and when (the code is the one the gateway maps to the status). */
const COMMON_ERRORS: Record<number, { code: ErrorCode; when: string; detail: string }> = {
  400: {
    code: 'VALIDATION',
    when: 'A field, parameter or header is invalid: `errors` names each one. Nothing was changed.',
    detail: 'The request is not valid',
  },
  401: {
    code: 'UNAUTHENTICATED',
    when: 'No valid access token (missing, expired, revoked, or issued for another operator).',
    detail: 'A valid access token is required',
  },
  403: { code: 'FORBIDDEN', when: 'The caller lacks the role this route needs.', detail: 'Not allowed' },
  404: { code: 'NOT_FOUND', when: 'Nothing with that id at this operator.', detail: 'Not found' },
  402: { code: 'PAYMENT_DECLINED', when: 'The card was declined.', detail: 'The payment was declined' },
  409: { code: 'CONFLICT', when: 'The request conflicts with the current state.', detail: 'Conflict' },
  410: { code: 'GONE', when: 'It no longer exists.', detail: 'Gone' },
  413: {
    code: 'PAYLOAD_TOO_LARGE',
    when: 'The body is larger than the route accepts (64 KiB unless stated).',
    detail: 'The request body is too large',
  },
  422: {
    code: 'RULE_VIOLATED',
    when: 'A business rule refuses it.',
    detail: 'A business rule refuses the request',
  },
  429: {
    code: 'RATE_LIMITED',
    when: 'Too many attempts: wait `Retry-After` seconds.',
    detail: 'Too many requests',
  },
  503: {
    code: 'UNAVAILABLE',
    when: 'A service behind the gateway did not answer in time: the request may be retried.',
    detail: 'The service is unavailable',
  },
};

function problemExample(status: number) {
  const known = COMMON_ERRORS[status];
  if (!known) return undefined;
  const extra =
    status === 400
      ? { fields: [{ path: 'vehicles.0.plate', message: 'letters and digits only' }] }
      : status === 429
        ? { retryAfter: 30 }
        : {};
  return toProblem(new AppError(known.code, known.detail, extra)).body;
}

function errorResponses(route: DocumentedRoute, hasPathParams: boolean) {
  const errors: Record<string, string> = {};
  if (route.doc.body || route.doc.query || hasPathParams || route.headers.includes('idempotency-key'))
    errors[400] = COMMON_ERRORS[400].when;
  if (route.access.kind !== 'anyone') errors[401] = COMMON_ERRORS[401].when;
  if (route.access.kind === 'roles') errors[403] = COMMON_ERRORS[403].when;
  if (hasPathParams) errors[404] = COMMON_ERRORS[404].when;
  if (route.doc.body) errors[413] = COMMON_ERRORS[413].when;
  for (const [status, when] of Object.entries(route.doc.errors ?? {})) errors[status] = when;
  errors[503] = COMMON_ERRORS[503].when;
  const responses: Record<string, object> = {};
  for (const [status, when] of Object.entries(errors)) {
    const example = problemExample(Number(status));
    responses[status] = {
      description: when,
      ...(status === '429' ? { headers: { 'Retry-After': { schema: { type: 'integer' } } } } : {}),
      content: {
        'application/problem+json': {
          schema: { $ref: `${SCHEMA_REF}Problem` },
          ...(example ? { example } : {}),
        },
      },
    };
  }
  return responses;
}

const HEADER_PARAMETERS: Record<string, { ref: string; parameter: object }> = {
  'idempotency-key': {
    ref: 'IdempotencyKey',
    parameter: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Any string up to 255 characters. A retry with the same key and the same body answers as the first request did, changing nothing; the same key with another body is refused with 422 (type idempotency-key-reused), and a retry while the first is still in flight with 409.',
      schema: { type: 'string', maxLength: 255 },
      example: '6f1c2a1e-purchase-1',
    },
  },
  'psp-signature': {
    ref: 'PspSignature',
    parameter: {
      name: 'psp-signature',
      in: 'header',
      required: true,
      description: 'HMAC-SHA256 of the raw body with the PSP webhook secret (hex).',
      schema: { type: 'string' },
    },
  },
};

const OPERATOR_PARAMETER = {
  name: 'x-operator',
  in: 'header',
  required: false,
  description:
    'The operator (car-park company) to serve the request for, by slug. Without it the host name picks it, else the access token’s operator, else the default operator. A token issued for another operator is refused with 401.',
  schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,40}$' },
  example: 'demo',
};

const IF_NONE_MATCH = {
  name: 'If-None-Match',
  in: 'header',
  required: false,
  description: 'The ETag of an earlier answer: 304 with no body when it has not changed.',
  schema: { type: 'string' },
};

function operationIds(routes: DocumentedRoute[]): Map<DocumentedRoute, string> {
  const count = new Map<string, number>();
  for (const r of routes) count.set(r.handler, (count.get(r.handler) ?? 0) + 1);
  const ids = new Map<DocumentedRoute, string>();
  for (const r of routes) {
    const stem = r.controller.replace(/Controller$/, '');
    const id =
      r.doc.operationId ??
      (count.get(r.handler) === 1
        ? r.handler
        : `${stem[0].toLowerCase()}${stem.slice(1)}${r.handler[0].toUpperCase()}${r.handler.slice(1)}`);
    ids.set(r, id);
  }
  return ids;
}

function operation(route: DocumentedRoute, operationId: string, components: Record<string, object>) {
  const params: object[] = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string', minLength: 1, maxLength: 100 },
  }));
  const hasPathParams = params.length > 0;
  const query = route.doc.query ? jsonSchema(route.doc.query, 'input') : undefined;
  const queryProps = (query?.properties ?? {}) as Record<string, object>;
  const required = new Set((query?.required as string[] | undefined) ?? []);
  for (const [name, schema] of Object.entries(queryProps))
    params.push({ name, in: 'query', required: required.has(name), schema });
  if (!route.noOperator) params.push({ $ref: '#/components/parameters/Operator' });
  for (const header of route.headers) {
    const known = HEADER_PARAMETERS[header];
    if (known) params.push({ $ref: `#/components/parameters/${known.ref}` });
  }
  const successes = route.doc.responses ?? { [route.status]: 'OK' };
  if ('304' in successes) params.push(IF_NONE_MATCH);
  const body = route.doc.response ? component(route.doc.response, 'output', components) : {};
  const responses: Record<string, object> = {};
  for (const [status, description] of Object.entries(successes))
    responses[status] = {
      description,
      ...(status === '204' || status === '304' ? {} : { content: { 'application/json': { schema: body } } }),
    };
  Object.assign(responses, errorResponses(route, hasPathParams));
  responses.default = {
    description: 'Any other refusal or an internal error (RFC 9457 problem)',
    content: { 'application/problem+json': { schema: { $ref: `${SCHEMA_REF}Problem` } } },
  };
  const who =
    route.access.kind === 'anyone'
      ? 'anyone'
      : route.access.kind === 'user'
        ? 'any signed-in person'
        : `holders of the role ${route.access.roles.join(' or ')}`;
  return {
    operationId,
    summary: route.doc.summary,
    description: [route.doc.description, `Who may call it: ${who}.`].filter(Boolean).join('\n\n'),
    tags: route.doc.tag ? [route.doc.tag] : undefined,
    parameters: params,
    ...(route.access.kind === 'anyone' ? {} : { security: [{ bearer: [] }] }),
    ...(route.doc.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: component(route.doc.body, 'input', components),
                ...(route.doc.example === undefined ? {} : { example: route.doc.example }),
              },
            },
          },
        }
      : {}),
    responses,
  };
}

const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'An RFC 9457 problem: `type` is stable per kind of refusal; `errors` names the fields.',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
    retryAfter: { type: 'integer', description: 'Seconds (429)' },
  },
  additionalProperties: true,
};

/** `extra`: routes served outside Nest (the lean plate checks), described by hand. */
export function openApiDocument(controllers: Type[], extra: DocumentedRoute[] = []) {
  const routes = [...documentedRoutes(controllers), ...extra];
  const ids = operationIds(routes);
  const schemas: Record<string, object> = { Problem: PROBLEM_SCHEMA };
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path][route.method] = operation(route, ids.get(route)!, schemas);
  }
  const parameters: Record<string, object> = { Operator: OPERATOR_PARAMETER };
  for (const { ref, parameter } of Object.values(HEADER_PARAMETERS)) parameters[ref] = parameter;
  const tags = [...new Set(routes.map((r) => r.doc.tag).filter((t): t is string => !!t))];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parking platform API',
      version: '1',
      description: [
        'The HTTP API of the parking platform: customers buy parking agreements for their vehicles, parking attendants and cameras check plates, operators run their catalogue, staff and receipts.',
        'Every request is served for one operator: the `x-operator` header (slug), else the host name, else the access token’s operator, else the default operator.',
        'Sign in with `POST /v1/auth/otp` and `POST /v1/auth/otp/verify` (customers) or `POST /v1/auth/login` (staff with a password), then send `Authorization: Bearer <accessToken>`. Amounts are in øre (1/100 NOK), instants in ISO 8601 UTC. Lists are `{ items, nextCursor }`.',
        'Every refusal is `application/problem+json` (RFC 9457) and changes nothing.',
      ].join('\n\n'),
    },
    servers: [{ url: '/', description: 'This gateway' }],
    tags: tags.map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'An access token from /v1/auth/otp/verify, /v1/auth/login, /v1/auth/refresh or /v1/auth/token.',
        },
      },
      parameters,
      schemas,
    },
  };
}
