// Security hardening over HTTP against the whole stack: every limit and race of issue 20 with the
// requests sent at once — sign-in codes, wrong passwords, a card added twice with one Idempotency-Key,
// a declined purchase retried with its key, one employee number bought twice at once.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startJourneyStack, type JourneyStack } from './support/journey.js';

const osloToday = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Oslo' });
const statuses = (replies: Array<{ status: number }>) => {
  const counts: Record<number, number> = {};
  for (const r of replies) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
};

describe('security: limits and races under parallel requests', () => {
  let env: JourneyStack;
  let products: Record<string, any>;

  beforeAll(async () => {
    env = await startJourneyStack();
    const { api } = env;
    const tonsberg = (await api.get('/v1/cities')).body.items.find((c: any) => c.name === 'Tønsberg');
    const hospital = (await api.get(`/v1/cities/${tonsberg.id}/locations`)).body.items[0];
    const list = (await api.get(`/v1/locations/${hospital.id}/products`)).body.items;
    products = Object.fromEntries(list.map((p: any) => [p.name, p]));
  }, 120_000);
  afterAll(async () => {
    await env?.stop();
  }, 60_000);

  it('sends 3 SMS codes when 20 requests for one number arrive at once; the rest get 429 with Retry-After', async () => {
    const { api } = env;
    const phone = '+4796000001';
    const replies = await Promise.all(Array.from({ length: 20 }, () => api.post('/v1/auth/otp', { phone })));
    expect(statuses(replies)).toEqual({ 202: 3, 429: 17 });
    const refused = replies.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const inbox = await api.get(`/v1/dev/sms?phone=${encodeURIComponent(phone)}`);
    expect(inbox.body.items).toHaveLength(3);
  }, 60_000);

  it('judges 10 of 40 wrong passwords for one account sent at once', async () => {
    const { api } = env;
    const replies = await Promise.all(
      Array.from({ length: 40 }, () =>
        api.post('/v1/auth/login', { phone: '+4790000004', password: 'not-the-password' }, undefined, {
          'x-operator': 'fjord',
        }),
      ),
    );
    expect(statuses(replies)).toEqual({ 401: 10, 429: 30 });
  }, 60_000);

  it('adds one card (and sends one 3-D Secure text) for 5 requests with one Idempotency-Key at once', async () => {
    const { api } = env;
    const phone = '+4796000002';
    const customer = await api.signInBySms(phone);
    const key = { 'idempotency-key': 'card-once' };
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => api.post('/v1/payment-methods', { token: 'tok_3ds' }, customer, key)),
    );
    const added = replies.filter((r) => r.status === 202);
    expect(added.length).toBeGreaterThanOrEqual(1);
    expect(replies.every((r) => r.status === 202 || r.status === 409)).toBe(true);
    expect(new Set(added.map((r) => r.body.id)).size).toBe(1);
    const again = await api.post('/v1/payment-methods', { token: 'tok_3ds' }, customer, key);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(added[0].body.id);
    expect((await api.get('/v1/payment-methods', customer)).body.items).toHaveLength(1);
    const texts = (await api.get(`/v1/dev/sms?phone=${encodeURIComponent(phone)}`)).body.items;
    // One sign-in code and one 3-D Secure code.
    expect(texts).toHaveLength(2);
  }, 60_000);

  it('answers a retried declined purchase with its first 402, without a second agreement', async () => {
    const { api } = env;
    const customer = await api.signInBySms('+4796000003');
    const card = await api.post('/v1/payment-methods', { token: 'tok_insufficient_funds' }, customer);
    const day = products['Døgnparkering'];
    const body = {
      productId: day.id,
      vehicles: [{ plate: 'SE12345' }],
      acceptedTermsId: day.termsId,
      paymentMethodId: card.body.id,
    };
    const key = { 'idempotency-key': 'declined-once' };
    const first = await api.post('/v1/agreements', body, customer, key);
    expect(first.status).toBe(402);
    const again = await api.post('/v1/agreements', body, customer, key);
    expect(again.status).toBe(402);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.body.agreement.id).toBe(first.body.agreement.id);
    expect((await api.get('/v1/agreements', customer)).body.items).toHaveLength(1);
  }, 60_000);

  it('sells one employee product once per employee number when two purchases arrive at once', async () => {
    const { api } = env;
    const yearly = products['Ansatt år'];
    const buyers = await Promise.all(
      ['+4796000010', '+4796000011', '+4796000012'].map(async (phone, i) => {
        const token = await api.signInBySms(phone);
        const card = await api.post('/v1/payment-methods', { token: 'tok_visa' }, token);
        return { token, card: card.body.id as string, plate: `EM1000${i}` };
      }),
    );
    const answers = await Promise.all(
      buyers.map((b) =>
        api.post(
          '/v1/agreements',
          {
            productId: yearly.id,
            vehicles: [{ plate: b.plate }],
            startDate: osloToday(),
            employeeNumber: '10777',
            acceptedTermsId: yearly.termsId,
            paymentMethodId: b.card,
          },
          b.token,
        ),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 422, 422]);
    for (const refused of answers.filter((a) => a.status === 422))
      expect(refused.body.errors.map((e: any) => e.path)).toContain('employeeNumber');
  }, 60_000);

  it("refuses device zoneIds that are not the operator's zones with 422 naming each", async () => {
    const { api } = env;
    const admin = await api.logIn('+4790000001', 'demo-password-1');
    const tonsberg = (await api.get('/v1/cities')).body.items.find((c: any) => c.name === 'Tønsberg');
    const p1 = (await api.get(`/v1/cities/${tonsberg.id}/locations`)).body.items[0].zones[0].id;
    const bergen = (await api.get('/v1/cities', undefined, { 'x-operator': 'fjord' })).body.items[0];
    const b1 = (await api.get(`/v1/cities/${bergen.id}/locations`, undefined, { 'x-operator': 'fjord' })).body
      .items[0].zones[0].id;
    const refused = await api.post(
      '/v1/admin/devices',
      { name: 'Kamera', zoneIds: [p1, 'no-such-zone', b1] },
      admin,
    );
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e: any) => e.path)).toEqual(['zoneIds.1', 'zoneIds.2']);
    const before = (await api.get('/v1/admin/devices', admin)).body.items.length;
    const created = await api.post('/v1/admin/devices', { name: 'Kamera P1', zoneIds: [p1] }, admin);
    expect(created.status).toBe(201);
    expect((await api.get('/v1/admin/devices', admin)).body.items).toHaveLength(before + 1);
  }, 60_000);
});
