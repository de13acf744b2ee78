import { describe, expect, it } from '@jest/globals';
import { METHOD_METADATA } from '@nestjs/common/constants.js';
import { agreementResponse, checkResponse } from '@parking/contracts/responses';
import { API_CONTROLLERS } from '../gateway.module.js';
import { LEAN_CHECK_ROUTES } from '../routes/enforcement/lean-checks.js';
import { documentedRoutes, openApiDocument } from './openapi.js';

type Operation = {
  operationId: string;
  parameters: ({ $ref: string } | { name: string; in: string; required: boolean })[];
  responses: Record<string, { content?: Record<string, { schema?: any; example?: any }> }>;
  security?: unknown;
  requestBody?: { content: Record<string, { schema: any; example?: unknown }> };
};
const doc = openApiDocument(API_CONTROLLERS, LEAN_CHECK_ROUTES) as any;
const operations = Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(
  ([path, methods]) => Object.entries(methods).map(([method, op]) => ({ route: `${method} ${path}`, op })),
);
const op = (method: string, path: string) => doc.paths[path][method] as Operation;
const refs = (o: Operation) =>
  o.parameters.filter((p): p is { $ref: string } => '$ref' in p).map((p) => p.$ref.split('/').pop());

describe('OpenAPI document', () => {
  it('documents every route the controllers serve', () => {
    const served = API_CONTROLLERS.flatMap((c) =>
      Object.getOwnPropertyNames(c.prototype).filter(
        (name) => Reflect.getMetadata(METHOD_METADATA, c.prototype[name]) !== undefined,
      ),
    );
    expect(documentedRoutes(API_CONTROLLERS)).toHaveLength(served.length);
    expect(operations).toHaveLength(served.length + LEAN_CHECK_ROUTES.length);
  });

  it('marks protected routes with bearer security and public reads without', () => {
    expect(op('post', '/v1/agreements').security).toEqual([{ bearer: [] }]);
    expect(op('post', '/v1/agreements').responses).toHaveProperty('202');
    expect(op('get', '/v1/cities').security).toBeUndefined();
    expect(op('post', '/v1/auth/otp').responses).toHaveProperty('202');
  });

  it('documents the lean plate checks served outside Nest', () => {
    const doc = openApiDocument(API_CONTROLLERS, LEAN_CHECK_ROUTES) as any;
    expect(doc.paths['/v1/enforcement/check'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/v1/enforcement/checks'].post.responses).toHaveProperty('200');
    expect(doc.paths['/v1/enforcement/checks'].post.requestBody).toBeDefined();
  });

  it('describes query parameters from the zod schema, required ones marked', () => {
    const params = op('get', '/v1/enforcement/check').parameters as { name: string; required: boolean }[];
    expect(params.find((p) => p.name === 'zone')?.required).toBe(true);
    expect(params.find((p) => p.name === 'at')?.required).toBe(false);
  });

  it('gives every operation a unique operationId', () => {
    const ids = operations.map(({ op }) => op.operationId);
    expect(ids.every((id) => /^[a-z][A-Za-z0-9]*$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(op('post', '/v1/agreements').operationId).toBe('purchaseAgreement');
    expect(op('get', '/v1/enforcement/check').operationId).toBe('checkPlate');
  });

  it('describes the body of every success answer but 204 and 304', () => {
    const missing = operations.flatMap(({ route, op }) =>
      Object.entries(op.responses)
        .filter(([status]) => /^2\d\d$/.test(status) && status !== '204')
        .filter(([, r]) => {
          const schema = r.content?.['application/json']?.schema;
          return !schema || (!schema.$ref && !schema.type && !schema.anyOf);
        })
        .map(([status]) => `${route} ${status}`),
    );
    expect(missing).toEqual([]);
    expect(op('post', '/v1/agreements').responses['201'].content!['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Agreement',
    });
    expect(doc.components.schemas.Agreement.required).toEqual(
      expect.arrayContaining(['id', 'status', 'validFrom', 'validTo', 'price']),
    );
    expect(doc.components.schemas.Agreement.properties.status.enum).toContain('pending_payment');
  });

  it('resolves every $ref inside the document', () => {
    const dangling: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string') {
            const [, section, name] = /^#\/components\/(\w+)\/(.+)$/.exec(value) ?? [];
            if (!section || !doc.components[section]?.[name]) dangling.push(value);
          } else walk(value);
        }
      }
    };
    walk(doc);
    expect(dangling).toEqual([]);
  });

  it('declares Idempotency-Key where the route reads it, and x-operator wherever the operator matters', () => {
    expect(refs(op('post', '/v1/agreements'))).toContain('IdempotencyKey');
    expect(refs(op('post', '/v1/payment-methods'))).toContain('IdempotencyKey');
    expect(refs(op('get', '/v1/agreements'))).not.toContain('IdempotencyKey');
    expect(doc.components.parameters.IdempotencyKey).toMatchObject({ name: 'Idempotency-Key', in: 'header' });
    expect(doc.components.parameters.Operator).toMatchObject({ name: 'x-operator', in: 'header' });
    const withoutOperator = operations.filter(({ op }) => !refs(op).includes('Operator')).map((o) => o.route);
    // The routes served for no operator: the dev inbox, the platform's operators, the PSP's webhooks.
    expect(withoutOperator.sort()).toEqual(
      [
        'get /v1/dev/sms',
        'get /v1/platform/operators',
        'post /v1/platform/operators',
        'patch /v1/platform/operators/{id}',
        'put /v1/platform/operators/{id}/admins',
        'post /v1/psp/webhooks',
      ].sort(),
    );
  });

  it('lists the refusals of each route as problem+json, with the body the gateway sends', () => {
    for (const { route, op } of operations) {
      const statuses = Object.keys(op.responses);
      expect([route, statuses.includes('503')]).toEqual([route, true]);
      if (op.security) expect([route, statuses.includes('401')]).toEqual([route, true]);
      for (const status of statuses.filter((s) => /^[45]/.test(s))) {
        const content = op.responses[status].content!['application/problem+json'];
        expect(content.schema).toEqual({ $ref: '#/components/schemas/Problem' });
        expect(content.example).toMatchObject({ status: Number(status) });
      }
    }
    const purchase = op('post', '/v1/agreements').responses;
    expect(Object.keys(purchase)).toEqual(
      expect.arrayContaining(['400', '401', '402', '403', '409', '413', '422', '503']),
    );
    expect(purchase['400'].content!['application/problem+json'].example).toMatchObject({
      type: 'https://errors.parking.example/validation',
      errors: [{ path: 'vehicles.0.plate', message: expect.any(String) }],
    });
    expect(op('get', '/v1/cities').responses).not.toHaveProperty('401');
    expect(op('get', '/v1/agreements/{id}').responses).toHaveProperty('404');
  });

  it('gives examples that the schemas accept', () => {
    const checkExample = (doc.components.schemas.Check.examples as unknown[])[0];
    expect(checkResponse.safeParse(checkExample).success).toBe(true);
    expect(op('post', '/v1/agreements').requestBody!.content['application/json'].example).toMatchObject({
      vehicles: [{ plate: 'EK12345' }],
    });
    expect(agreementResponse.safeParse({}).success).toBe(false);
  });
});
