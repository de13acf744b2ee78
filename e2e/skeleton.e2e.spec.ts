// The walking skeleton, real all the way: HTTP → NATS → event store → outbox → JetStream → consumers.
// A customer signs in by SMS code, browses the demo catalogue, adds a card, buys the day product, and the
// demo officer's check of the plate says it may park.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, startJourneyStack, type JourneyStack } from './support/journey.js';

describe('walking skeleton', () => {
  let env: JourneyStack;

  beforeAll(async () => {
    env = await startJourneyStack();
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  }, 60_000);

  it('lets a customer buy the day product and the officer sees the plate as valid', async () => {
    const { api } = env;
    const phone = '+4791234567';
    const customer = await api.signInBySms(phone);

    const cities = await api.get('/v1/cities', customer);
    expect(cities.status).toBe(200);
    const tonsberg = cities.body.items.find((c: any) => c.name === 'Tønsberg');
    expect(tonsberg).toBeDefined();

    const locations = await api.get(`/v1/cities/${tonsberg.id}/locations`, customer);
    const hospital = locations.body.items.find((l: any) => l.name === 'Tønsberg Sykehus');
    expect(hospital.timeZone).toBe('Europe/Oslo');
    const p1 = hospital.zones.find((z: any) => z.name === 'P1');
    expect(p1).toBeDefined();

    const products = await api.get(`/v1/locations/${hospital.id}/products`, customer);
    expect(products.body.items.map((p: any) => p.name).sort()).toEqual(
      ['Ansatt måned', 'Ansatt år', 'Døgnparkering'].sort(),
    );
    const day = products.body.items.find((p: any) => p.name === 'Døgnparkering');
    expect(day).toMatchObject({
      price: { amount: 15000, currency: 'NOK' },
      maxVehicles: 1,
      startPolicy: 'at_purchase',
    });

    const terms = await api.get(`/v1/terms/${day.termsId}`, customer);
    expect(terms.status).toBe(200);

    const card = await api.post('/v1/payment-methods', { token: 'tok_visa' }, customer);
    expect(card.status).toBe(201);
    expect(card.body.status).toBe('active');

    const purchase = await api.post(
      '/v1/agreements',
      {
        productId: day.id,
        vehicles: [{ plate: 'ek 12-345' }],
        acceptedTermsId: day.termsId,
        paymentMethodId: card.body.id,
      },
      customer,
    );
    expect(purchase.status).toBe(201);
    expect(purchase.body).toMatchObject({
      status: 'active',
      vehicles: [{ plate: 'EK12345', country: 'NO' }],
      product: { id: day.id },
    });
    const hours = (Date.parse(purchase.body.validTo) - Date.parse(purchase.body.validFrom)) / 3_600_000;
    expect(hours).toBe(24);

    const officer = await api.logIn('+4790000002', 'demo-password-1');
    const check = await eventually(
      () => api.get(`/v1/enforcement/check?plate=EK12345&zone=${p1.id}`, officer),
      (r) => r.body?.allowed === true,
      3_000,
    );
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({
      plate: 'EK12345',
      country: 'NO',
      allowed: true,
      reason: 'valid_agreement',
      agreementId: purchase.body.id,
    });

    const unknownPlate = await api.get(`/v1/enforcement/check?plate=ZZ99999&zone=${p1.id}`, officer);
    expect(unknownPlate.body).toMatchObject({ allowed: false, reason: 'no_agreement' });
  }, 60_000);

  it("keeps one operator's data invisible to another operator's callers", async () => {
    const { api } = env;
    const phone = '+4791234568';
    const customer = await api.signInBySms(phone);
    const card = await api.post('/v1/payment-methods', { token: 'tok_visa' }, customer);
    const cities = await api.get('/v1/cities', customer);
    const tonsberg = cities.body.items.find((c: any) => c.name === 'Tønsberg');
    const locations = await api.get(`/v1/cities/${tonsberg.id}/locations`, customer);
    const hospital = locations.body.items.find((l: any) => l.name === 'Tønsberg Sykehus');
    const products = await api.get(`/v1/locations/${hospital.id}/products`, customer);
    const day = products.body.items.find((p: any) => p.name === 'Døgnparkering');
    const purchase = await api.post(
      '/v1/agreements',
      {
        productId: day.id,
        vehicles: [{ plate: 'AB11111' }],
        acceptedTermsId: day.termsId,
        paymentMethodId: card.body.id,
      },
      customer,
    );
    expect(purchase.status).toBe(201);

    const fjord = { 'x-operator': 'fjord' };
    // The demo token is refused under fjord, even on a public read.
    expect((await api.get('/v1/cities', customer, fjord)).status).toBe(401);

    // The same person signed in through fjord sees none of their demo data.
    const fjordCustomer = await api.signInBySms(phone, fjord);
    expect((await api.get(`/v1/agreements/${purchase.body.id}`, fjordCustomer, fjord)).status).toBe(404);
    expect((await api.get('/v1/agreements', fjordCustomer, fjord)).body.items).toEqual([]);
    expect((await api.get('/v1/payment-methods', fjordCustomer, fjord)).body.items).toEqual([]);
    const fjordCities = await api.get('/v1/cities', fjordCustomer, fjord);
    expect(fjordCities.body.items.map((c: any) => c.name)).toEqual(['Bergen']);
    expect((await api.get(`/v1/products/${day.id}`, fjordCustomer, fjord)).status).toBe(404);

    // Fjord's officer cannot check plates in demo's zones: the zone is unknown there.
    const fjordOfficer = await api.logIn('+4790000003', 'demo-password-1', fjord);
    const p1 = hospital.zones.find((z: any) => z.name === 'P1');
    const check = await api.get(`/v1/enforcement/check?plate=AB11111&zone=${p1.id}`, fjordOfficer, fjord);
    expect(check.status).toBe(422);
    expect(check.body.errors.map((e: any) => e.path)).toContain('zone');
  }, 60_000);
});
