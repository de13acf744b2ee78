// The authorization matrix: every route the gateway serves (read from its own /openapi.json, so a new
// route without a row here fails) × every kind of caller, and the status each must get: 401 without a
// valid token, 403 without the role, 404 for another customer's resource (never revealing it exists),
// and through to the handler otherwise. Request bodies are empty where possible, so a caller who is let
// through gets a 400 from validation and nothing changes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startJourneyStack, type JourneyStack } from './support/journey.js';

type Caller =
  | 'anonymous'
  | 'customer'
  | 'otherCustomer'
  | 'operator'
  | 'officer'
  | 'device'
  | 'platform'
  | 'fjordOperator';
const CALLERS: Caller[] = [
  'anonymous',
  'customer',
  'otherCustomer',
  'operator',
  'officer',
  'device',
  'platform',
  'fjordOperator',
];

type Access =
  'anyone' | 'user' | 'customer' | 'operator' | 'enforcement' | 'enforcementReader' | 'officer' | 'platform';
/** `pass`: admitted (any status but 401, 403 and a crash; 503 is a route whose service does not serve it yet). */
type Expected = 401 | 403 | 404 | 'pass';

interface Row {
  access: Access;
  /** The path with its ids filled in (`:agreement` and friends are replaced from the fixtures). */
  path: string;
  body?: unknown;
  /** The resource belongs to `customer`: every other person gets 404. */
  ownedByCustomer?: boolean;
  /** The resource belongs to the demo operator: the fjord admin gets 404. */
  demoResource?: boolean;
}

const UNKNOWN = '00000000-0000-4000-8000-00000000dead';

/** One row per route of API.md; the key is `METHOD /openapi/path/{param}`. */
const MATRIX: Record<string, Row> = {
  'POST /v1/auth/otp': { access: 'anyone', path: '/v1/auth/otp', body: {} },
  'POST /v1/auth/otp/verify': { access: 'anyone', path: '/v1/auth/otp/verify', body: {} },
  'POST /v1/auth/login': { access: 'anyone', path: '/v1/auth/login', body: {} },
  'POST /v1/auth/refresh': { access: 'anyone', path: '/v1/auth/refresh', body: {} },
  'POST /v1/auth/token': { access: 'anyone', path: '/v1/auth/token', body: {} },
  'POST /v1/auth/logout': { access: 'user', path: '/v1/auth/logout', body: {} },
  'GET /v1/me': { access: 'user', path: '/v1/me' },
  'PUT /v1/me': { access: 'user', path: '/v1/me', body: {} },
  'PUT /v1/me/password': { access: 'user', path: '/v1/me/password', body: {} },
  'GET /v1/me/export': { access: 'user', path: '/v1/me/export' },
  'DELETE /v1/me': { access: 'user', path: '/v1/me' },
  'GET /v1/operator': { access: 'anyone', path: '/v1/operator' },
  'GET /v1/dev/sms': { access: 'anyone', path: '/v1/dev/sms?phone=%2B4700000000' },
  'GET /v1/me/vehicles': { access: 'customer', path: '/v1/me/vehicles' },

  'GET /v1/cities': { access: 'anyone', path: '/v1/cities' },
  'GET /v1/cities/{cityId}/locations': { access: 'anyone', path: `/v1/cities/${UNKNOWN}/locations` },
  'GET /v1/locations/{locationId}/products': {
    access: 'anyone',
    path: `/v1/locations/${UNKNOWN}/products`,
  },
  'GET /v1/products/{productId}': { access: 'anyone', path: '/v1/products/:product' },
  'GET /v1/terms/{termsId}': { access: 'anyone', path: '/v1/terms/:terms' },

  'POST /v1/admin/cities': { access: 'operator', path: '/v1/admin/cities', body: {} },
  'POST /v1/admin/locations': { access: 'operator', path: '/v1/admin/locations', body: {} },
  'POST /v1/admin/locations/{locationId}/zones': {
    access: 'operator',
    path: `/v1/admin/locations/${UNKNOWN}/zones`,
    body: {},
  },
  'POST /v1/admin/terms': { access: 'operator', path: '/v1/admin/terms', body: {} },
  'GET /v1/admin/products': { access: 'operator', path: '/v1/admin/products' },
  'POST /v1/admin/products': { access: 'operator', path: '/v1/admin/products', body: {} },
  'PATCH /v1/admin/products/{productId}': {
    access: 'operator',
    path: '/v1/admin/products/:product',
    body: { price: 'free' },
  },
  'PUT /v1/admin/products/{productId}/employees': {
    access: 'operator',
    path: '/v1/admin/products/:product/employees',
    body: {},
  },
  'POST /v1/admin/products/{productId}/employees/upload': {
    access: 'operator',
    path: '/v1/admin/products/:product/employees/upload',
    body: {},
  },
  'PATCH /v1/admin/operator': { access: 'operator', path: '/v1/admin/operator', body: {} },

  'POST /v1/platform/operators': { access: 'platform', path: '/v1/platform/operators', body: {} },
  'GET /v1/platform/operators': { access: 'platform', path: '/v1/platform/operators' },
  'PATCH /v1/platform/operators/{id}': {
    access: 'platform',
    path: `/v1/platform/operators/${UNKNOWN}`,
    body: { name: '' },
  },
  'PUT /v1/platform/operators/{id}/admins': {
    access: 'platform',
    path: `/v1/platform/operators/${UNKNOWN}/admins`,
    body: {},
  },

  'GET /v1/admin/users': { access: 'operator', path: '/v1/admin/users' },
  'PUT /v1/admin/users/{userId}/roles': {
    access: 'operator',
    path: '/v1/admin/users/:customerId/roles',
    body: {},
  },
  'POST /v1/admin/devices': { access: 'operator', path: '/v1/admin/devices', body: {} },
  'GET /v1/admin/devices': { access: 'operator', path: '/v1/admin/devices' },
  'POST /v1/admin/devices/{id}/rotate-secret': {
    access: 'operator',
    path: `/v1/admin/devices/${UNKNOWN}/rotate-secret`,
  },
  'DELETE /v1/admin/devices/{id}': { access: 'operator', path: `/v1/admin/devices/${UNKNOWN}` },

  'POST /v1/payment-methods': { access: 'customer', path: '/v1/payment-methods', body: {} },
  'GET /v1/payment-methods': { access: 'customer', path: '/v1/payment-methods' },
  'POST /v1/payment-methods/{id}/confirm': {
    access: 'customer',
    path: '/v1/payment-methods/:card/confirm',
    body: { code: '000000' },
    ownedByCustomer: true,
  },
  'DELETE /v1/payment-methods/{id}': { access: 'customer', path: `/v1/payment-methods/${UNKNOWN}` },
  'POST /v1/psp/webhooks': { access: 'anyone', path: '/v1/psp/webhooks', body: {} },
  'GET /v1/admin/receipts': { access: 'operator', path: '/v1/admin/receipts' },
  'POST /v1/admin/renewals/run': { access: 'operator', path: '/v1/admin/renewals/run', body: { asOf: 'x' } },
  'GET /v1/receipts': { access: 'customer', path: '/v1/receipts' },
  'GET /v1/receipts/{id}': { access: 'customer', path: '/v1/receipts/:receipt', ownedByCustomer: true },

  'POST /v1/agreements': { access: 'customer', path: '/v1/agreements', body: {} },
  'GET /v1/agreements': { access: 'customer', path: '/v1/agreements' },
  'GET /v1/agreements/{id}': { access: 'customer', path: '/v1/agreements/:agreement', ownedByCustomer: true },
  'GET /v1/agreements/{id}/history': {
    access: 'customer',
    path: '/v1/agreements/:agreement/history',
    ownedByCustomer: true,
  },
  'PUT /v1/agreements/{id}/vehicles': {
    access: 'customer',
    path: '/v1/agreements/:agreement/vehicles',
    body: { vehicles: [{ plate: 'MX10001' }] },
    ownedByCustomer: true,
  },
  'PUT /v1/agreements/{id}/payment-method': {
    access: 'customer',
    path: '/v1/agreements/:agreement/payment-method',
    body: { paymentMethodId: UNKNOWN },
    ownedByCustomer: true,
  },
  'GET /v1/admin/agreements': { access: 'operator', path: '/v1/admin/agreements' },
  'GET /v1/admin/agreements/{id}': {
    access: 'operator',
    path: '/v1/admin/agreements/:agreement',
    demoResource: true,
  },
  'GET /v1/admin/agreements/{id}/history': {
    access: 'operator',
    path: '/v1/admin/agreements/:agreement/history',
    demoResource: true,
  },
  'POST /v1/admin/agreements/{id}/terminate': {
    access: 'operator',
    path: '/v1/admin/agreements/:agreement/terminate',
    body: { reason: '', refund: 'all' },
  },
  'POST /v1/agreements/{id}/cancel': {
    access: 'customer',
    path: `/v1/agreements/${UNKNOWN}/cancel`,
  },
  'POST /v1/agreements/{id}/withdraw': {
    access: 'customer',
    path: `/v1/agreements/${UNKNOWN}/withdraw`,
  },

  'GET /v1/enforcement/check': { access: 'enforcement', path: '/v1/enforcement/check' },
  'POST /v1/enforcement/checks': { access: 'enforcement', path: '/v1/enforcement/checks', body: {} },
  'GET /v1/enforcement/whitelist': { access: 'enforcement', path: '/v1/enforcement/whitelist' },
  'POST /v1/enforcement/observations': {
    access: 'enforcement',
    path: '/v1/enforcement/observations',
    body: {},
  },
  'GET /v1/enforcement/violations': {
    access: 'enforcementReader',
    path: '/v1/enforcement/violations?since=not-a-time',
  },
  'POST /v1/enforcement/violations/{id}/sanction': {
    access: 'officer',
    path: `/v1/enforcement/violations/${UNKNOWN}/sanction`,
    body: {},
  },
  'GET /v1/enforcement/sanctions': { access: 'enforcementReader', path: '/v1/enforcement/sanctions?since=x' },
  'POST /v1/enforcement/sanctions/{id}/cancel': {
    access: 'enforcementReader',
    path: `/v1/enforcement/sanctions/${UNKNOWN}/cancel`,
    body: {},
  },
};

/** What each caller gets on a row. */
function expected(row: Row, caller: Caller): Expected {
  if (caller === 'anonymous') return row.access === 'anyone' ? 'pass' : 401;
  const roles: Record<Exclude<Caller, 'anonymous'>, string[]> = {
    customer: ['customer'],
    otherCustomer: ['customer'],
    operator: ['customer', 'operator'],
    officer: ['customer', 'officer'],
    device: ['device'],
    platform: ['customer', 'platform'],
    fjordOperator: ['customer', 'operator'],
  };
  const held = roles[caller];
  const allowed =
    row.access === 'anyone' ||
    (row.access === 'user' && caller !== 'device') ||
    (row.access === 'customer' && held.includes('customer')) ||
    (row.access === 'operator' && held.includes('operator')) ||
    (row.access === 'enforcement' && (held.includes('officer') || held.includes('device'))) ||
    (row.access === 'enforcementReader' && (held.includes('officer') || held.includes('operator'))) ||
    (row.access === 'officer' && held.includes('officer')) ||
    (row.access === 'platform' && held.includes('platform'));
  if (!allowed) return 403;
  if (row.ownedByCustomer && caller !== 'customer') return 404;
  if (row.demoResource && caller === 'fjordOperator') return 404;
  return 'pass';
}

describe('authorization matrix', () => {
  let env: JourneyStack;
  const tokens = {} as Record<Exclude<Caller, 'anonymous'>, string>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    env = await startJourneyStack();
    const { api } = env;
    tokens.customer = await api.signInBySms('+4793000001');
    tokens.otherCustomer = await api.signInBySms('+4793000002');
    tokens.operator = await api.logIn('+4790000001', 'demo-password-1');
    tokens.officer = await api.logIn('+4790000002', 'demo-password-1');
    tokens.platform = await api.logIn('+4790000009', 'demo-password-1');
    tokens.fjordOperator = await api.logIn('+4790000004', 'demo-password-1', { 'x-operator': 'fjord' });
    const device = await api.post('/v1/auth/token', {
      clientId: 'demo-camera',
      clientSecret: 'demo-camera-secret',
    });
    tokens.device = device.body.accessToken;

    // The customer's own resources: a card, a day agreement and its receipt.
    const tonsberg = (await api.get('/v1/cities')).body.items.find((c: any) => c.name === 'Tønsberg');
    const hospital = (await api.get(`/v1/cities/${tonsberg.id}/locations`)).body.items[0];
    const products = (await api.get(`/v1/locations/${hospital.id}/products`)).body.items;
    const day = products.find((p: any) => p.name === 'Døgnparkering');
    ids.product = day.id;
    ids.terms = day.termsId;
    const card = await api.post('/v1/payment-methods', { token: 'tok_visa' }, tokens.customer);
    ids.card = card.body.id;
    const agreement = await api.post(
      '/v1/agreements',
      {
        productId: day.id,
        vehicles: [{ plate: 'MX10001' }],
        acceptedTermsId: day.termsId,
        paymentMethodId: card.body.id,
      },
      tokens.customer,
    );
    ids.agreement = agreement.body.id;
    const receipts = await api.get('/v1/receipts', tokens.customer);
    ids.receipt = receipts.body.items?.[0]?.id ?? UNKNOWN;
    ids.customerId = (await api.get('/v1/me', tokens.customer)).body.id;
  }, 180_000);

  afterAll(async () => {
    await env?.stop();
  }, 60_000);

  it('has a row for every route the gateway serves', async () => {
    const doc = await env.api.get('/openapi.json');
    const served = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(served.filter((route) => !(route in MATRIX))).toEqual([]);
  });

  it('gives each caller the status its roles and ownership allow, on every route', async () => {
    const doc = await env.api.get('/openapi.json');
    const served = new Set(
      Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
        Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    const mismatches: string[] = [];
    for (const [route, row] of Object.entries(MATRIX)) {
      if (!served.has(route)) continue; // a route of API.md not served yet
      const method = route.split(' ')[0];
      const path = row.path.replace(/:(\w+)/g, (_, name: string) => ids[name] ?? UNKNOWN);
      for (const caller of CALLERS) {
        // Erasing is tried by a throwaway person only (below).
        if (route === 'DELETE /v1/me' && caller !== 'anonymous' && caller !== 'device') continue;
        const want = expected(row, caller);
        const reply = await env.api.call(method, path, {
          token: caller === 'anonymous' ? undefined : tokens[caller],
          body: row.body,
          headers: caller === 'fjordOperator' ? { 'x-operator': 'fjord' } : {},
        });
        // The gateway routes it, but no service answers yet (a later issue's route): nothing to judge.
        if (reply.status === 503 && /no service answers/.test(JSON.stringify(reply.body))) continue;
        const ok =
          want === 'pass'
            ? reply.status !== 401 && reply.status !== 403 && reply.status !== 500
            : reply.status === want;
        if (!ok) mismatches.push(`${route} as ${caller}: expected ${want}, got ${reply.status}`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 120_000);

  it('refuses a token issued for another operator on every kind of route (401)', async () => {
    const { api } = env;
    const asFjord = { 'x-operator': 'fjord' };
    for (const path of ['/v1/cities', '/v1/me', '/v1/agreements', '/v1/admin/users']) {
      expect((await api.get(path, tokens.customer, asFjord)).status).toBe(401);
    }
  });

  it('lets a person erase themself (202), and nobody else', async () => {
    const throwaway = await env.api.signInBySms('+4793000009');
    expect((await env.api.call('DELETE', '/v1/me', { token: throwaway })).status).toBe(202);
    expect((await env.api.get('/v1/me', throwaway)).status).toBe(401);
  });
});
