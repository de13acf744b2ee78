// The OpenAPI 3.1 document of the routes the gateway serves, read from the controllers' own decorators
// (path, method, status, roles) and their zod schemas (zod 4's JSON Schema), so it cannot drift from them.
import { RequestMethod, type Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { z } from 'zod';
import { ACCESS_KEY, type Access } from '../http/access.js';
import { API_DOC_KEY, type RouteDoc } from './api-doc.js';

export interface DocumentedRoute {
  method: string;
  /** OpenAPI form: `/v1/products/{productId}`. */
  path: string;
  access: Access;
  doc: RouteDoc;
  status: number;
}

const join = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/');

export function documentedRoutes(controllers: Type[]): DocumentedRoute[] {
  const routes: DocumentedRoute[] = [];
  for (const controller of controllers) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const classAccess = Reflect.getMetadata(ACCESS_KEY, controller) as Access | undefined;
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
      routes.push({ method, path, access, doc, status });
    }
  }
  return routes;
}

const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });

const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

function operation(route: DocumentedRoute) {
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const query = route.doc.query ? jsonSchema(route.doc.query) : undefined;
  const queryProps = (query?.properties ?? {}) as Record<string, object>;
  const required = new Set((query?.required as string[] | undefined) ?? []);
  const queryParams = Object.entries(queryProps).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema,
  }));
  const successes = route.doc.responses ?? { [route.status]: 'OK' };
  const responses: Record<string, object> = {};
  for (const [status, description] of Object.entries(successes))
    responses[status] = {
      description,
      ...(status === '204' || status === '304' ? {} : { content: { 'application/json': {} } }),
    };
  responses.default = { description: 'An error (RFC 9457 problem)', content: problem };
  const who =
    route.access.kind === 'anyone'
      ? 'anyone'
      : route.access.kind === 'user'
        ? 'any signed-in person'
        : route.access.roles.join(' or ');
  return {
    summary: route.doc.summary,
    description: `Who: ${who}.`,
    tags: route.doc.tag ? [route.doc.tag] : undefined,
    parameters: [...params, ...queryParams],
    ...(route.access.kind === 'anyone' ? {} : { security: [{ bearer: [] }] }),
    ...(route.doc.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(route.doc.body) } },
          },
        }
      : {}),
    responses,
  };
}

/** `extra`: routes served outside Nest (the lean plate checks), described by hand. */
export function openApiDocument(controllers: Type[], extra: DocumentedRoute[] = []) {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of [...documentedRoutes(controllers), ...extra]) {
    paths[route.path] ??= {};
    paths[route.path][route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parking platform API',
      version: '1',
      description:
        'Every request is served for one operator: the x-operator header (slug), else the host name, else the token’s operator, else the default operator.',
    },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      parameters: {},
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                properties: { path: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  };
}
