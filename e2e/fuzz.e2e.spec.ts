// Fuzzing the edge: every route the gateway serves (from its own /openapi.json) gets malformed JSON,
// wrong types, huge and unicode strings, injection strings and random bodies and queries, anonymously
// and as a signed-in operator (who passes most guards). Never a 5xx; every refusal is problem+json.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { startJourneyStack, type JourneyStack } from './support/journey.js';

const NASTY = [
  "'; drop table agreements; --",
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '../../etc/passwd',
  '\u0000\u202e\ud83d\ude97 ÆØÅ',
  'x'.repeat(70_000),
  '%00',
  '{"__proto__":{"admin":true}}',
];

const value = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 5 }),
);
const body = fc.oneof(
  fc.dictionary(
    fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('phone', 'productId', 'vehicles', 'plate', 'zone', 'asOf', 'price', 'roles', 'code'),
    ),
    value,
    { maxKeys: 6 },
  ),
  value,
  fc.array(value, { maxLength: 4 }),
);

describe('fuzzing the edge', () => {
  let env: JourneyStack;
  let routes: { method: string; path: string }[];
  let operatorToken: string;

  beforeAll(async () => {
    env = await startJourneyStack();
    const doc = await env.api.get('/openapi.json');
    routes = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) => Object.keys(methods).map((m) => ({ method: m.toUpperCase(), path })),
    );
    operatorToken = await env.api.logIn('+4790000001', 'demo-password-1');
  }, 120_000);
  afterAll(async () => {
    await env?.stop();
  }, 60_000);

  async function send(method: string, path: string, raw: string | undefined, token?: string) {
    const res = await fetch(`${env.api.baseUrl}${path}`, {
      method,
      headers: {
        ...(raw !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: method === 'GET' || method === 'DELETE' ? undefined : raw,
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', text };
  }

  it('answers malformed JSON on every route with a 4xx problem+json, never a 5xx', async () => {
    const failures: string[] = [];
    for (const { method, path } of routes) {
      const concrete = path.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000');
      for (const raw of ['{', '{"a":', '[1,2', 'null', '"text"', '\u0000']) {
        for (const token of [undefined, operatorToken]) {
          const r = await send(method, concrete, method === 'GET' ? undefined : raw, token);
          if (r.status >= 500 && r.status !== 503)
            failures.push(`${method} ${path} ${JSON.stringify(raw)} → ${r.status}`);
          if (r.status >= 400 && !r.type.includes('application/problem+json'))
            failures.push(`${method} ${path} → ${r.status} ${r.type}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 180_000);

  it('never answers random bodies and queries with a 5xx', async () => {
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        body,
        fc.dictionary(
          fc.constantFrom('phone', 'plate', 'zone', 'at', 'limit', 'cursor', 'locationId', 'from', 'to'),
          fc.oneof(fc.string(), fc.constantFrom(...NASTY.slice(0, 5))),
        ),
        fc.boolean(),
        async (pick, payload, query, signedIn) => {
          const { method, path } = routes[pick % routes.length];
          const concrete = path.replace(/\{\w+\}/g, (p) =>
            pick % 2 ? encodeURIComponent(NASTY[pick % 5]) : p,
          );
          const qs = new URLSearchParams(query as Record<string, string>).toString();
          const r = await send(
            method,
            `${concrete}${qs ? `?${qs}` : ''}`,
            JSON.stringify(payload),
            signedIn ? operatorToken : undefined,
          );
          // 503: a route whose service does not serve it yet; anything else 5xx is a defect.
          if (r.status >= 500 && r.status !== 503)
            failures.push(`${method} ${path} → ${r.status}: ${r.text.slice(0, 200)}`);
          return true;
        },
      ),
      { numRuns: 400, seed: 20261130 },
    );
    expect(failures).toEqual([]);
  }, 240_000);
});
