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
  let officerToken: string;
  let cameraToken: string;
  let zoneIds: string[];

  beforeAll(async () => {
    env = await startJourneyStack();
    const doc = await env.api.get('/openapi.json');
    routes = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) => Object.keys(methods).map((m) => ({ method: m.toUpperCase(), path })),
    );
    operatorToken = await env.api.logIn('+4790000001', 'demo-password-1');
    officerToken = await env.api.logIn('+4790000002', 'demo-password-1');
    cameraToken = (
      await env.api.post('/v1/auth/token', { clientId: 'demo-camera', clientSecret: 'demo-camera-secret' })
    ).body.accessToken;
    const cities = (await env.api.get('/v1/cities')).body.items;
    const locations = (await env.api.get(`/v1/cities/${cities[0].id}/locations`)).body.items;
    zoneIds = locations.flatMap((l: any) => l.zones.map((z: any) => z.id));
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

  // The plate checks run outside Nest (lean Fastify routes and a raw NATS subscription): fuzzed past the
  // role check, as an officer and as a camera, with real zones, plates of every shape and broken times.
  it('never answers the lean check routes with a 5xx, and refuses with problem+json', async () => {
    const failures: string[] = [];
    const plate = fc.oneof(
      fc.constantFrom('EN10002', 'ab 12345', 'ÆØÅ123', 'A', 'AB12345678901', '#', ''),
      fc.string({ maxLength: 14 }),
      fc.constantFrom(...NASTY.slice(0, 5)),
      fc.integer(),
      fc.constant(null),
      fc.record({
        plate: fc.string({ maxLength: 12 }),
        country: fc.oneof(fc.string({ maxLength: 4 }), fc.integer()),
      }),
    );
    const zone = fc.oneof(
      fc.constantFrom(...zoneIds),
      fc.string({ maxLength: 40 }),
      fc.constantFrom(...NASTY.slice(0, 5)),
    );
    const at = fc.oneof(
      fc.constant(undefined),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.string({ maxLength: 30 }),
      fc.constantFrom('2027-01-01T10:00:00', '2027-13-45T99:00:00Z', '+275760-09-13T00:00:00.000Z'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.boolean(),
        zone,
        at,
        fc.oneof(fc.array(plate, { maxLength: 1_100 }), plate, value),
        fc.string({ maxLength: 4 }),
        async (batch, asCamera, z, when, plates, country) => {
          const token = asCamera ? cameraToken : officerToken;
          let r;
          if (batch) {
            r = await send(
              'POST',
              '/v1/enforcement/checks',
              JSON.stringify({ zone: z, ...(when === undefined ? {} : { at: when }), plates }),
              token,
            );
          } else {
            const one = Array.isArray(plates) ? plates[0] : plates;
            const qs = new URLSearchParams({
              zone: String(z),
              plate: typeof one === 'object' && one ? JSON.stringify(one) : String(one),
              country,
              ...(when === undefined ? {} : { at: when }),
            });
            r = await send('GET', `/v1/enforcement/check?${qs}`, undefined, token);
          }
          if (r.status >= 500)
            failures.push(`${batch ? 'POST checks' : 'GET check'} → ${r.status}: ${r.text.slice(0, 200)}`);
          if (r.status >= 400 && !r.type.includes('application/problem+json'))
            failures.push(`${batch ? 'POST checks' : 'GET check'} → ${r.status} ${r.type}`);
          if (r.status === 200 && !/^\{/.test(r.text))
            failures.push(`200 without a JSON body: ${r.text.slice(0, 100)}`);
          return true;
        },
      ),
      { numRuns: 300, seed: 20261202 },
    );
    expect(failures).toEqual([]);
  }, 240_000);
});
