// Agreements over HTTP, as the guide tells them: the monthly employee product bought with three plates
// and a 3-D Secure card, the Home page's vehicles, the history, switching the card, cancelling,
// withdrawing within 14 days, an operator's search, history with actors and termination, and two
// customers racing for the last place of a product.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, startJourneyStack, type JourneyStack } from './support/journey.js';

const osloToday = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Oslo' });

describe('agreements', () => {
  let env: JourneyStack;
  let products: Record<string, any>;
  let hospital: any;

  beforeAll(async () => {
    env = await startJourneyStack();
    const { api } = env;
    const tonsberg = (await api.get('/v1/cities')).body.items.find((c: any) => c.name === 'Tønsberg');
    hospital = (await api.get(`/v1/cities/${tonsberg.id}/locations`)).body.items[0];
    const list = (await api.get(`/v1/locations/${hospital.id}/products`)).body.items;
    products = Object.fromEntries(list.map((p: any) => [p.name, p]));
  }, 120_000);
  afterAll(async () => {
    await env?.stop();
  }, 60_000);

  async function card(token: string, psp = 'tok_visa') {
    const added = await env.api.post('/v1/payment-methods', { token: psp }, token);
    expect(added.status).toBe(201);
    return added.body.id as string;
  }

  it('buys the monthly employee product for three plates with a 3-D Secure card', async () => {
    const { api } = env;
    const phone = '+4795000001';
    const customer = await api.signInBySms(phone);
    const added = await api.post('/v1/payment-methods', { token: 'tok_3ds' }, customer);
    expect(added.status).toBe(202);
    expect(added.body).toMatchObject({ status: 'requires_action', challenge: { kind: 'otp' } });
    const sms = await eventually(
      () => api.get(`/v1/dev/sms?phone=${encodeURIComponent(phone)}`),
      (r) => r.body.items.length >= 2,
    );
    const code = /(\d{6})/.exec(sms.body.items[0].text)![1];
    expect(
      (await api.post(`/v1/payment-methods/${added.body.id}/confirm`, { code: '000000' }, customer)).status,
    ).toBe(code === '000000' ? 200 : 422);
    const confirmed = await api.post(`/v1/payment-methods/${added.body.id}/confirm`, { code }, customer);
    expect(confirmed.body.status).toBe('active');

    const monthly = products['Ansatt måned'];
    const body = {
      productId: monthly.id,
      vehicles: [{ plate: 'ek 12345' }, { plate: 'AB-11111' }, { plate: 'CD 22222', country: 's' }],
      startDate: osloToday(),
      employeeNumber: '10001',
      acceptedTermsId: monthly.termsId,
      paymentMethodId: added.body.id,
    };
    const bought = await api.post('/v1/agreements', body, customer);
    expect(bought.status).toBe(201);
    expect(bought.body).toMatchObject({
      status: 'active',
      autoRenew: true,
      employeeNumber: '10001',
      vehicles: [
        { plate: 'EK12345', country: 'NO' },
        { plate: 'AB11111', country: 'NO' },
        { plate: 'CD22222', country: 'S' },
      ],
    });
    expect(bought.body.nextRenewalAt).not.toBeNull();

    // The same employee number cannot hold a second agreement of the product.
    const again = await api.post('/v1/agreements', { ...body, vehicles: [{ plate: 'XY33333' }] }, customer);
    expect(again.status).toBe(422);
    expect(again.body.errors.map((e: any) => e.path)).toContain('employeeNumber');

    const vehicles = await eventually(
      () => api.get('/v1/me/vehicles', customer),
      (r) => r.body.items?.length === 3,
      15_000,
    );
    expect(vehicles.body.items.map((v: any) => v.plate).sort()).toEqual(['AB11111', 'CD22222', 'EK12345']);

    const history = await api.get(`/v1/agreements/${bought.body.id}/history`, customer);
    expect(history.body.items.map((h: any) => h.type)).toEqual(['purchased', 'activated']);

    // Switching the card, then cancelling: it ends at the end of the paid period.
    const second = await card(customer, 'tok_mastercard');
    const switched = await api.call('PUT', `/v1/agreements/${bought.body.id}/payment-method`, {
      token: customer,
      body: { paymentMethodId: second },
    });
    expect(switched.status).toBe(200);
    expect(switched.body.paymentMethodId).toBe(second);
    const notMine = await api.call('PUT', `/v1/agreements/${bought.body.id}/payment-method`, {
      token: customer,
      body: { paymentMethodId: '00000000-0000-4000-8000-00000000beef' },
    });
    expect(notMine.status).toBe(422);

    const cancelled = await api.post(`/v1/agreements/${bought.body.id}/cancel`, {}, customer);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      status: 'cancelled_at_period_end',
      endsAt: bought.body.validTo,
      nextRenewalAt: null,
    });
    const after = await eventually(
      () => api.get(`/v1/agreements/${bought.body.id}/history`, customer),
      (r) => r.body.items.length === 4,
      15_000,
    );
    expect(after.body.items.map((h: any) => h.type)).toEqual([
      'purchased',
      'activated',
      'payment_method_changed',
      'cancelled',
    ]);
  });

  it('withdraws a purchase within 14 days: ended now', async () => {
    const { api } = env;
    const customer = await api.signInBySms('+4795000002');
    const day = products['Døgnparkering'];
    const bought = await api.post(
      '/v1/agreements',
      {
        productId: day.id,
        vehicles: [{ plate: 'WD10001' }],
        acceptedTermsId: day.termsId,
        paymentMethodId: await card(customer),
      },
      customer,
    );
    expect(bought.status).toBe(201);
    const withdrawn = await api.post(`/v1/agreements/${bought.body.id}/withdraw`, {}, customer);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('ended');
    expect(Date.parse(withdrawn.body.validTo)).toBeLessThan(Date.parse(bought.body.validTo));
    expect((await api.post(`/v1/agreements/${bought.body.id}/withdraw`, {}, customer)).status).toBe(409);
  });

  it("lets the operator search, read the history with actors and terminate, and nobody else's operator", async () => {
    const { api } = env;
    const customer = await api.signInBySms('+4795000003');
    const day = products['Døgnparkering'];
    const bought = await api.post(
      '/v1/agreements',
      {
        productId: day.id,
        vehicles: [{ plate: 'OP10001' }],
        acceptedTermsId: day.termsId,
        paymentMethodId: await card(customer),
      },
      customer,
    );
    const admin = await api.logIn('+4790000001', 'demo-password-1');
    const found = await eventually(
      () => api.get('/v1/admin/agreements?plate=op-10001', admin),
      (r) => r.body.items?.length === 1,
      15_000,
    );
    expect([found.status, found.body.items?.[0]?.id]).toEqual([200, bought.body.id]);
    const terminated = await api.post(
      `/v1/admin/agreements/${bought.body.id}/terminate`,
      { reason: 'Parkert i strid med vilkårene', refund: 'pro_rata' },
      admin,
    );
    expect(terminated.status).toBe(200);
    expect(terminated.body.status).toBe('ended');
    const history = await api.get(`/v1/admin/agreements/${bought.body.id}/history`, admin);
    const last = history.body.items.at(-1);
    expect(last).toMatchObject({ type: 'terminated', actor: { kind: 'user' } });
    expect(last.summary).toContain('Parkert i strid med vilkårene');

    const fjordAdmin = await api.logIn('+4790000004', 'demo-password-1', { 'x-operator': 'fjord' });
    const fromFjord = await api.get(`/v1/admin/agreements/${bought.body.id}`, fjordAdmin, {
      'x-operator': 'fjord',
    });
    expect(fromFjord.status).toBe(404);
  });

  it('gives one of two customers racing for the last place a 201 and the other a 409', async () => {
    const { api } = env;
    const admin = await api.logIn('+4790000001', 'demo-password-1');
    const day = products['Døgnparkering'];
    const limited = await api.post(
      '/v1/admin/products',
      {
        name: 'Siste plass',
        description: 'Én plass.',
        locationId: hospital.id,
        zoneIds: hospital.zones.map((z: any) => z.id),
        price: { amount: 5000, currency: 'NOK' },
        vatRate: 25,
        period: { unit: 'day', count: 1 },
        autoRenew: false,
        maxVehicles: 1,
        startPolicy: 'at_purchase',
        requiresEmployeeNumber: false,
        termsId: day.termsId,
        capacity: 1,
      },
      admin,
    );
    expect(limited.status).toBe(201);
    const buyers = await Promise.all(
      ['+4795000010', '+4795000011'].map(async (phone, i) => {
        const token = await api.signInBySms(phone);
        return { token, card: await card(token), plate: `RC1000${i}` };
      }),
    );
    const answers = await Promise.all(
      buyers.map((b) =>
        api.post(
          '/v1/agreements',
          {
            productId: limited.body.id,
            vehicles: [{ plate: b.plate }],
            acceptedTermsId: day.termsId,
            paymentMethodId: b.card,
          },
          b.token,
        ),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.body.errors[0].path).toBe('productId');
  });

  it("ends an erased person's auto-renewing agreements at the period end", async () => {
    const { api } = env;
    const customer = await api.signInBySms('+4795000020');
    const monthly = products['Ansatt måned'];
    const bought = await api.post(
      '/v1/agreements',
      {
        productId: monthly.id,
        vehicles: [{ plate: 'ER10001' }],
        startDate: osloToday(),
        employeeNumber: '10002',
        acceptedTermsId: monthly.termsId,
        paymentMethodId: await card(customer),
      },
      customer,
    );
    expect(bought.status).toBe(201);
    expect((await api.call('DELETE', '/v1/me', { token: customer })).status).toBe(202);
    const admin = await api.logIn('+4790000001', 'demo-password-1');
    const seen = await eventually(
      () => api.get(`/v1/admin/agreements/${bought.body.id}`, admin),
      (r) => r.body.status === 'cancelled_at_period_end',
      15_000,
    );
    expect(seen.body).toMatchObject({ status: 'cancelled_at_period_end', endsAt: bought.body.validTo });
    const history = await api.get(`/v1/admin/agreements/${bought.body.id}/history`, admin);
    expect(history.body.items.at(-1)).toMatchObject({
      type: 'cancelled',
      actor: { kind: 'system', id: 'user-erased' },
    });
  });
});
