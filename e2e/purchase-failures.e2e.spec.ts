// The purchase's unhappy paths over HTTP: a card that cannot pay, a card declined when added, and an
// Idempotency-Key replayed — none may take money twice or leave a receipt for money not taken.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startJourneyStack, type JourneyStack } from './support/journey.js';

describe('purchase failures and retries', () => {
  let env: JourneyStack;
  let day: { id: string; termsId: string };

  beforeAll(async () => {
    env = await startJourneyStack();
    const token = await env.api.signInBySms('+4791230100');
    const cities = await env.api.get('/v1/cities', token);
    const tonsberg = cities.body.items.find((c: any) => c.name === 'Tønsberg');
    const locations = await env.api.get(`/v1/cities/${tonsberg.id}/locations`, token);
    const products = await env.api.get(`/v1/locations/${locations.body.items[0].id}/products`, token);
    day = products.body.items.find((p: any) => p.name === 'Døgnparkering');
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  }, 60_000);

  it('answers 402 with the failed agreement when the card cannot pay, and issues no receipt', async () => {
    const { api } = env;
    const customer = await api.signInBySms('+4791230101');
    const card = await api.post('/v1/payment-methods', { token: 'tok_insufficient_funds' }, customer);
    expect(card.status).toBe(201);
    const purchase = await api.post(
      '/v1/agreements',
      {
        productId: day.id,
        vehicles: [{ plate: 'NO12345' }],
        acceptedTermsId: day.termsId,
        paymentMethodId: card.body.id,
      },
      customer,
    );
    expect(purchase.status).toBe(402);
    expect(purchase.headers.get('content-type')).toContain('application/problem+json');
    expect(purchase.body.agreement).toMatchObject({ status: 'failed' });
    expect((await api.get('/v1/receipts', customer)).body.items).toEqual([]);
    const agreements = await api.get('/v1/agreements', customer);
    expect(agreements.body.items.map((a: any) => a.status)).toEqual(['failed']);
  }, 60_000);

  it('refuses a card the issuer declines with 402, storing nothing', async () => {
    const { api } = env;
    const customer = await api.signInBySms('+4791230102');
    const card = await api.post('/v1/payment-methods', { token: 'tok_declined' }, customer);
    expect(card.status).toBe(402);
    expect((await api.get('/v1/payment-methods', customer)).body.items).toEqual([]);
  }, 60_000);

  it('gives the same agreement for a replayed Idempotency-Key, charged once, and 422 for another body', async () => {
    const { api } = env;
    const customer = await api.signInBySms('+4791230103');
    const card = await api.post('/v1/payment-methods', { token: 'tok_visa' }, customer);
    const body = {
      productId: day.id,
      vehicles: [{ plate: 'ID12345' }],
      acceptedTermsId: day.termsId,
      paymentMethodId: card.body.id,
    };
    const key = { 'idempotency-key': 'purchase-1' };
    const first = await api.post('/v1/agreements', body, customer, key);
    const again = await api.post('/v1/agreements', body, customer, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect((await api.get('/v1/agreements', customer)).body.items).toHaveLength(1);
    expect((await api.get('/v1/receipts', customer)).body.items).toHaveLength(1);
    const other = await api.post(
      '/v1/agreements',
      { ...body, vehicles: [{ plate: 'XX99999' }] },
      customer,
      key,
    );
    expect(other.status).toBe(422);
    expect(other.body.type).toMatch(/idempotency-key-reused$/);
  }, 60_000);

  it('refuses a broken rule with 422 naming the field, and creates nothing', async () => {
    const { api } = env;
    const customer = await api.signInBySms('+4791230104');
    const card = await api.post('/v1/payment-methods', { token: 'tok_visa' }, customer);
    const twoCars = await api.post(
      '/v1/agreements',
      {
        productId: day.id,
        vehicles: [{ plate: 'AA11111' }, { plate: 'BB22222' }],
        acceptedTermsId: day.termsId,
        paymentMethodId: card.body.id,
      },
      customer,
    );
    expect(twoCars.status).toBe(422);
    expect(twoCars.body.errors.map((e: any) => e.path)).toContain('vehicles');
    const badPlate = await api.post(
      '/v1/agreements',
      {
        productId: day.id,
        vehicles: [{ plate: '#' }],
        acceptedTermsId: day.termsId,
        paymentMethodId: card.body.id,
      },
      customer,
    );
    expect(badPlate.status).toBe(400);
    expect(badPlate.body.errors.map((e: any) => e.path)).toContain('vehicles.0.plate');
    expect((await api.get('/v1/agreements', customer)).body.items).toEqual([]);
  }, 60_000);
});
