import { describe, expect, it } from '@jest/globals';
import { METHOD_METADATA } from '@nestjs/common/constants.js';
import { API_CONTROLLERS } from '../gateway.module.js';
import { LEAN_CHECK_ROUTES } from '../routes/enforcement/lean-checks.js';
import { documentedRoutes, openApiDocument } from './openapi.js';

describe('OpenAPI document', () => {
  it('documents every route the controllers serve', () => {
    const served = API_CONTROLLERS.flatMap((c) =>
      Object.getOwnPropertyNames(c.prototype).filter(
        (name) => Reflect.getMetadata(METHOD_METADATA, c.prototype[name]) !== undefined,
      ),
    );
    expect(documentedRoutes(API_CONTROLLERS)).toHaveLength(served.length);
  });

  it('marks protected routes with bearer security and public reads without', () => {
    const doc = openApiDocument(API_CONTROLLERS) as any;
    expect(doc.paths['/v1/agreements'].post.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/v1/agreements'].post.responses).toHaveProperty('202');
    expect(doc.paths['/v1/cities'].get.security).toBeUndefined();
    expect(doc.paths['/v1/auth/otp'].post.responses).toHaveProperty('202');
  });

  it('documents the lean plate checks served outside Nest', () => {
    const doc = openApiDocument(API_CONTROLLERS, LEAN_CHECK_ROUTES) as any;
    expect(doc.paths['/v1/enforcement/check'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/v1/enforcement/checks'].post.responses).toHaveProperty('200');
    expect(doc.paths['/v1/enforcement/checks'].post.requestBody).toBeDefined();
  });

  it('describes query parameters from the zod schema, required ones marked', () => {
    const doc = openApiDocument(API_CONTROLLERS, LEAN_CHECK_ROUTES) as any;
    const params = doc.paths['/v1/enforcement/check'].get.parameters as { name: string; required: boolean }[];
    expect(params.find((p) => p.name === 'zone')?.required).toBe(true);
    expect(params.find((p) => p.name === 'at')?.required).toBe(false);
  });
});
