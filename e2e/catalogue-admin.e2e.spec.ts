// The operator's catalogue over HTTP: the demo operator's admin builds a city, a location with zones,
// terms and a product, changes its price, replaces its staff list of 100,000 numbers and withdraws it;
// a customer sees each change through the public reads (with ETags), and buys only with a number on
// the list. Bad input gets a 400 or 422 naming the field and changes nothing; customers get 403; the
// fjord operator's admin can neither see nor touch demo's catalogue.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import { eventually, startJourneyStack, type JourneyStack } from './support/journey.js';

const paths = (body: any): string[] => (body?.errors ?? []).map((e: { path: string }) => e.path);
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo' }).format(new Date());

describe('the operator maintains its catalogue', () => {
  let env: JourneyStack;

  beforeAll(async () => {
    env = await startJourneyStack();
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  }, 60_000);

  it('builds, changes and withdraws a product that customers see at each step', async () => {
    const { api } = env;
    const admin = await api.logIn('+4790000001', 'demo-password-1');
    const customer = await api.signInBySms('+4791555001');
    const patch = (path: string, body: unknown, token = admin) => api.call('PATCH', path, { body, token });
    const put = (path: string, body: unknown, token = admin) => api.call('PUT', path, { body, token });

    // Only the operator's admins write.
    expect((await api.post('/v1/admin/cities', { name: 'Drammen' })).status).toBe(401);
    expect((await api.post('/v1/admin/cities', { name: 'Drammen' }, customer)).status).toBe(403);
    expect((await api.get('/v1/admin/products', customer)).status).toBe(403);

    const city = await api.post('/v1/admin/cities', { name: 'Drammen' }, admin);
    expect(city.status).toBe(201);
    const cities = await api.get('/v1/cities', customer);
    expect(cities.body.items.map((c: any) => c.name)).toContain('Drammen');
    expect((await api.post('/v1/admin/cities', { name: 'drammen' }, admin)).status).toBe(422);

    // Malformed on its own: 400 naming each field; an unknown city: 422. Neither changes anything.
    const place = {
      cityId: city.body.id,
      name: 'Drammen Sykehus',
      address: 'Dronninggata 28, 3004 Drammen',
      timeZone: 'Europe/Oslo',
      geo: { lat: 59.7439, lon: 10.2045 },
    };
    const malformed = await api.post(
      '/v1/admin/locations',
      { ...place, timeZone: 'Mars/Olympus', geo: { lat: 95, lon: 10 } },
      admin,
    );
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(paths(malformed.body).sort()).toEqual(['geo.lat', 'timeZone']);
    const unknownCity = await api.post(
      '/v1/admin/locations',
      { ...place, cityId: '00000000-0000-4000-8000-00000000dead' },
      admin,
    );
    expect(unknownCity.status).toBe(422);
    expect(paths(unknownCity.body)).toEqual(['cityId']);
    expect((await api.get(`/v1/cities/${city.body.id}/locations`, customer)).body.items).toEqual([]);

    const location = await api.post('/v1/admin/locations', place, admin);
    expect(location.status).toBe(201);
    const locationId = location.body.id;
    const p1 = await api.post(`/v1/admin/locations/${locationId}/zones`, { name: 'P1' }, admin);
    // A zone's maximum stay (how long a gate entry with no exit counts): 24 hours unless given.
    const p2 = await api.post(
      `/v1/admin/locations/${locationId}/zones`,
      { name: 'P2', maxStayHours: 3 },
      admin,
    );
    expect([p1.status, p2.status]).toEqual([201, 201]);
    expect([p1.body.maxStayHours, p2.body.maxStayHours]).toEqual([24, 3]);
    const badStay = await api.post(
      `/v1/admin/locations/${locationId}/zones`,
      { name: 'P3', maxStayHours: 0 },
      admin,
    );
    expect(badStay.status).toBe(400);
    expect(badStay.body.errors.map((e: any) => e.path)).toContain('maxStayHours');
    const locations = await api.get(`/v1/cities/${city.body.id}/locations`, customer);
    expect(locations.body.items).toEqual([
      expect.objectContaining({
        id: locationId,
        timeZone: 'Europe/Oslo',
        zones: [
          { id: p1.body.id, name: 'P1', maxStayHours: 24 },
          { id: p2.body.id, name: 'P2', maxStayHours: 3 },
        ],
      }),
    ]);

    const terms = await api.post(
      '/v1/admin/terms',
      { title: 'Vilkår', text: 'Avtalen gir rett til å parkere.' },
      admin,
    );
    expect(terms.status).toBe(201);
    expect((await api.get(`/v1/terms/${terms.body.id}`, customer)).body).toMatchObject({ version: 1 });

    // Rules that need the product or stored data: 422, naming the field.
    const tonsbergZone = await demoZone(env, customer);
    const product = {
      name: 'Ansatt måned Drammen',
      description: 'Månedsavtale for ansatte ved Drammen Sykehus.',
      locationId,
      zoneIds: [p1.body.id, p2.body.id],
      price: { amount: 110000, currency: 'NOK' },
      vatRate: 25,
      period: { unit: 'month', count: 1 },
      autoRenew: true,
      maxVehicles: 2,
      startPolicy: 'chosen',
      requiresEmployeeNumber: true,
      termsId: terms.body.id,
    };
    const dayWithThree = await api.post(
      '/v1/admin/products',
      { ...product, period: { unit: 'day', count: 1 }, startPolicy: 'at_purchase', maxVehicles: 3 },
      admin,
    );
    expect(dayWithThree.status).toBe(422);
    expect(paths(dayWithThree.body)).toEqual(['maxVehicles']);
    const foreignZone = await api.post('/v1/admin/products', { ...product, zoneIds: [tonsbergZone] }, admin);
    expect(foreignZone.status).toBe(422);
    expect(paths(foreignZone.body)).toEqual(['zoneIds.0']);
    const unknownTerms = await api.post(
      '/v1/admin/products',
      { ...product, termsId: '00000000-0000-4000-8000-00000000beef' },
      admin,
    );
    expect(paths(unknownTerms.body)).toEqual(['termsId']);
    const fraction = await api.post(
      '/v1/admin/products',
      { ...product, price: { amount: 99.5, currency: 'NOK' } },
      admin,
    );
    expect(fraction.status).toBe(400);
    expect(paths(fraction.body)).toEqual(['price.amount']);
    expect((await api.get(`/v1/admin/products?locationId=${locationId}`, admin)).body.items).toEqual([]);

    const created = await api.post('/v1/admin/products', product, admin);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      onSale: true,
      soldOut: false,
      capacity: null,
      price: product.price,
    });
    const productId = created.body.id;

    // The customer sees it, cacheably.
    const listed = await api.get(`/v1/locations/${locationId}/products`, customer);
    expect(listed.body.items.map((p: any) => p.id)).toEqual([productId]);
    const read = await api.get(`/v1/products/${productId}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('vary')).toMatch(/x-operator/i);
    expect(read.headers.get('vary')).toMatch(/host/i);
    expect(read.headers.get('cache-control')).toMatch(/max-age/);
    const etag = read.headers.get('etag')!;
    expect((await api.get(`/v1/products/${productId}`, undefined, { 'if-none-match': etag })).status).toBe(
      304,
    );

    // A price change: the customer sees the new price, and the old ETag no longer matches.
    const repriced = await patch(`/v1/admin/products/${productId}`, {
      price: { amount: 120000, currency: 'NOK' },
    });
    expect(repriced.status).toBe(200);
    expect(repriced.body.price.amount).toBe(120000);
    const afterChange = await api.get(`/v1/products/${productId}`, undefined, { 'if-none-match': etag });
    expect(afterChange.status).toBe(200);
    expect(afterChange.body.price.amount).toBe(120000);

    // A PATCH that breaks a rule changes nothing, not even its valid fields.
    const badPatch = await patch(`/v1/admin/products/${productId}`, {
      price: { amount: 130000, currency: 'NOK' },
      zoneIds: [tonsbergZone],
    });
    expect(badPatch.status).toBe(422);
    expect(paths(badPatch.body)).toEqual(['zoneIds.0']);
    const notChangeable = await patch(`/v1/admin/products/${productId}`, { maxVehicles: 1 });
    expect(notChangeable.status).toBe(400);
    expect(paths(notChangeable.body)).toEqual(['maxVehicles']);
    expect((await api.get(`/v1/products/${productId}`, customer)).body.price.amount).toBe(120000);

    // The staff list: 100,000 numbers in one call (over 64 KiB, under 2 MiB); purchases are checked against it.
    const staff = Array.from({ length: 100_000 }, (_, i) => String(500_000 + i));
    const replaced = await put(`/v1/admin/products/${productId}/employees`, { employeeNumbers: staff });
    expect(replaced.status).toBe(204);
    const tooMany = await put(`/v1/admin/products/${productId}/employees`, {
      employeeNumbers: [...staff, '1'],
    });
    expect(tooMany.status).toBe(400);
    expect(paths(tooMany.body)).toEqual(['employeeNumbers']);
    const tooLarge = await statusOfLargePut(
      `${api.baseUrl}/v1/admin/products/${productId}/employees`,
      admin,
      {
        employeeNumbers: Array.from({ length: 90_000 }, (_, i) => `${'E'.repeat(30)}${i}`),
      },
    );
    expect(tooLarge).toBe(413);
    const bigElsewhere = await statusOfLargePut(
      `${api.baseUrl}/v1/admin/terms`,
      admin,
      { title: 'Lang', text: 'x'.repeat(70 * 1024) },
      'POST',
    );
    expect(bigElsewhere).toBe(413);

    const card = await api.post('/v1/payment-methods', { token: 'tok_visa' }, customer);
    const buy = (employeeNumber: string, plate: string) =>
      api.post(
        '/v1/agreements',
        {
          productId,
          vehicles: [{ plate }],
          startDate: today(),
          employeeNumber,
          acceptedTermsId: terms.body.id,
          paymentMethodId: card.body.id,
        },
        customer,
      );
    const offList = await buy('499999', 'DR11111');
    expect(offList.status).toBe(422);
    expect(paths(offList.body)).toContain('employeeNumber');
    const onList = await buy('599999', 'DR22222');
    expect(onList.status).toBe(201);
    expect(onList.body.product.id).toBe(productId);

    // Withdrawn: gone from the public list, still in the operator's, and no longer sold.
    const withdrawn = await patch(`/v1/admin/products/${productId}`, { onSale: false });
    expect(withdrawn.body.onSale).toBe(false);
    expect((await api.get(`/v1/locations/${locationId}/products`, customer)).body.items).toEqual([]);
    const all = await api.get(`/v1/admin/products?locationId=${locationId}`, admin);
    expect(all.body.items).toEqual([expect.objectContaining({ id: productId, onSale: false })]);
    expect(all.body.nextCursor).toBeNull();
    expect((await buy('500000', 'DR33333')).status).toBe(422);

    // Enforcement learns the new zone from the catalogue's events.
    const officer = await api.logIn('+4790000002', 'demo-password-1');
    const check = await eventually(
      () => api.get(`/v1/enforcement/check?plate=DR22222&zone=${p1.body.id}`, officer),
      (r) => r.status === 200 && r.body.allowed === true,
      10_000,
    );
    expect(check.body).toMatchObject({ allowed: true, agreementId: onList.body.id });
  }, 120_000);

  it("keeps demo's catalogue out of the fjord admin's reach", async () => {
    const { api } = env;
    const fjord = { 'x-operator': 'fjord' };
    const fjordAdmin = await api.logIn('+4790000004', 'demo-password-1', fjord);
    const demoAdmin = await api.logIn('+4790000001', 'demo-password-1');
    const demoProducts = await api.get('/v1/admin/products', demoAdmin);
    const demoProduct = demoProducts.body.items.find((p: any) => p.name === 'Døgnparkering');
    expect(demoProduct).toBeDefined();

    const fjordProducts = await api.get('/v1/admin/products', fjordAdmin, fjord);
    expect(fjordProducts.status).toBe(200);
    expect(fjordProducts.body.items.map((p: any) => p.name)).toEqual(['Månedskort Bergen Stasjon']);

    const call = (method: string, path: string, body?: unknown) =>
      api.call(method, path, { body, token: fjordAdmin, headers: fjord });
    expect((await call('PATCH', `/v1/admin/products/${demoProduct.id}`, { onSale: false })).status).toBe(404);
    expect(
      (await call('PUT', `/v1/admin/products/${demoProduct.id}/employees`, { employeeNumbers: ['1'] }))
        .status,
    ).toBe(404);
    expect(
      (await call('POST', `/v1/admin/locations/${demoProduct.locationId}/zones`, { name: 'X' })).status,
    ).toBe(404);
    const byLocation = await call('GET', `/v1/admin/products?locationId=${demoProduct.locationId}`);
    expect(byLocation.status).toBe(422);
    expect(paths(byLocation.body)).toEqual(['locationId']);
    // Fjord's token is refused when the request is served for demo.
    expect((await api.get('/v1/admin/products', fjordAdmin, { 'x-operator': 'demo' })).status).toBe(401);
    // Nothing changed at demo.
    expect((await api.get(`/v1/products/${demoProduct.id}`)).body).toMatchObject({ onSale: true });
  }, 60_000);
});

/** The id of demo's zone P1 at Tønsberg Sykehus (another location than the one built above). */
async function demoZone(env: JourneyStack, token: string): Promise<string> {
  const cities = await env.api.get('/v1/cities', token);
  const tonsberg = cities.body.items.find((c: any) => c.name === 'Tønsberg');
  const locations = await env.api.get(`/v1/cities/${tonsberg.id}/locations`, token);
  return locations.body.items[0].zones.find((z: any) => z.name === 'P1').id;
}

/**
 * The status of a PUT (or POST) whose body the server may refuse before reading it: the answer can come while the
 * body is still being sent, and the connection then closes under the writer (fetch reports only EPIPE).
 */
function statusOfLargePut(url: string, token: string, body: unknown, method = 'PUT'): Promise<number> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': payload.length,
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err) => setTimeout(() => reject(err), 1_000));
    req.end(payload);
  });
}
