// A purchase survives its agreement service being killed (SIGKILL) right after AgreementRequested is
// appended and before the outbox published it: after a restart the outbox publishes, the card is charged
// once, and the agreement becomes active with exactly one receipt.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, startJourneyStack, type JourneyStack } from './support/journey.js';

describe('a purchase when the agreement service crashes', () => {
  let env: JourneyStack;
  const marker = path.join(os.tmpdir(), `parking-fault-${process.pid}-${Date.now()}`);

  beforeAll(async () => {
    env = await startJourneyStack({ FAULT_KILL_AFTER_PURCHASE: marker });
  }, 120_000);

  afterAll(async () => {
    fs.rmSync(marker, { force: true });
    await env?.stop();
  }, 60_000);

  it('completes after the restart, charged once', async () => {
    const { api, stack } = env;
    const customer = await api.signInBySms('+4791230001');
    const cities = await api.get('/v1/cities', customer);
    const tonsberg = cities.body.items.find((c: any) => c.name === 'Tønsberg');
    const locations = await api.get(`/v1/cities/${tonsberg.id}/locations`, customer);
    const products = await api.get(`/v1/locations/${locations.body.items[0].id}/products`, customer);
    const day = products.body.items.find((p: any) => p.name === 'Døgnparkering');
    const card = await api.post('/v1/payment-methods', { token: 'tok_visa' }, customer);

    fs.writeFileSync(marker, 'armed');
    const purchase = await api.post(
      '/v1/agreements',
      {
        productId: day.id,
        vehicles: [{ plate: 'CR12345' }],
        acceptedTermsId: day.termsId,
        paymentMethodId: card.body.id,
      },
      customer,
    );
    // The service died holding the request: no answer from it.
    expect(purchase.status).toBe(503);
    expect(fs.existsSync(marker)).toBe(false);

    await stack.service('agreement').kill();
    await stack.service('agreement').start();

    const agreements = await eventually(
      () => api.get('/v1/agreements', customer),
      (r) => r.body?.items?.[0]?.status === 'active',
      15_000,
    );
    expect(agreements.body.items).toHaveLength(1);
    expect(agreements.body.items[0]).toMatchObject({
      status: 'active',
      vehicles: [{ plate: 'CR12345', country: 'NO' }],
    });
    const receipts = await eventually(
      () => api.get('/v1/receipts', customer),
      (r) => r.body?.items?.length === 1,
      5_000,
    );
    expect(receipts.body.items).toHaveLength(1);
    expect(receipts.body.items[0]).toMatchObject({
      agreementId: agreements.body.items[0].id,
      total: { amount: 15000 },
    });
  }, 90_000);
});
