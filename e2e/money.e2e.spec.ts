// Money that is always right (issue 13), over HTTP against the real stack: a customer's cancel and the
// operator's renewal run sent at the same moment never leave money kept for a period nobody owns —
// either the renewal came first (validity extended, then cancelled at the new end) or the cancel did
// (no charge, or a charge refused by the agreement and refunded in full with a credit note). The
// purchase is answered in one round trip: 201 active (or 402) without waiting on the event path.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, startJourneyStack, type JourneyStack } from './support/journey.js';

const osloToday = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Oslo' });

describe('money that is always right', () => {
  let env: JourneyStack;
  let monthly: any;
  let admin: string;

  beforeAll(async () => {
    env = await startJourneyStack();
    const { api } = env;
    const oslo = (await api.get('/v1/cities')).body.items.find((c: any) => c.name === 'Oslo');
    const [centre] = (await api.get(`/v1/cities/${oslo.id}/locations`)).body.items;
    monthly = (await api.get(`/v1/locations/${centre.id}/products`)).body.items[0];
    admin = await api.logIn('+4790000001', 'demo-password-1');
  }, 120_000);
  afterAll(async () => {
    await env?.stop();
  }, 60_000);

  async function buy(phone: string, plate: string, token = 'tok_visa') {
    const { api } = env;
    const session = await api.signInBySms(phone);
    const card = await api.post('/v1/payment-methods', { token }, session);
    const bought = await api.post(
      '/v1/agreements',
      {
        productId: monthly.id,
        vehicles: [{ plate }],
        startDate: osloToday(),
        acceptedTermsId: monthly.termsId,
        paymentMethodId: card.body.id,
      },
      session,
    );
    return { token: session, status: bought.status, agreement: bought.body };
  }

  it('answers a purchase in one round trip: 201 active, or 402 for a declined card', async () => {
    const ok = await buy('+4797100001', 'MR10001');
    expect(ok.status).toBe(201);
    expect(ok.agreement.status).toBe('active');
    const declined = await buy('+4797100002', 'MR10002', 'tok_insufficient_funds');
    expect(declined.status).toBe(402);
    // One charge receipt for the purchase, whatever path settled it (the direct answer or the event).
    const receipts = await eventually(
      () => env.api.get('/v1/receipts', ok.token),
      (r) => r.body.items?.length >= 1,
      15_000,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await env.api.get('/v1/receipts', ok.token)).body.items).toHaveLength(receipts.body.items.length);
    expect(receipts.body.items).toHaveLength(1);
  });

  it('keeps no money for a period nobody owns when a cancel and the renewal run race', async () => {
    const { api } = env;
    const buyers = [];
    for (let i = 0; i < 6; i++) buyers.push(await buy(`+479710001${i}`, `MR2000${i}`));
    for (const b of buyers) expect(b.agreement.status).toBe('active');
    const due = buyers[0].agreement.nextRenewalAt as string;
    const periodEnd = buyers[0].agreement.validTo as string;

    // Every cancel sent at the same moment as the run (which charges all six agreements' period 2).
    const [run, ...cancels] = await Promise.all([
      api.post('/v1/admin/renewals/run', { asOf: due }, admin),
      ...buyers.map((b) => api.post(`/v1/agreements/${b.agreement.id}/cancel`, {}, b.token)),
    ]);
    expect(run.status).toBe(200);
    for (const c of cancels) expect(c.status).toBe(200);

    for (const b of buyers) {
      // Settled: every charge either taken by the agreement or refunded.
      const settled = await eventually(
        async () => {
          const [agreement, history, receipts] = await Promise.all([
            api.get(`/v1/agreements/${b.agreement.id}`, b.token),
            api.get(`/v1/agreements/${b.agreement.id}/history`, b.token),
            api.get('/v1/receipts', b.token),
          ]);
          return { agreement: agreement.body, history: history.body.items, receipts: receipts.body.items };
        },
        (s) => {
          const charges = s.receipts.filter((r: any) => r.kind === 'charge').length;
          const refunds = s.receipts.filter((r: any) => r.kind === 'refund').length;
          const renewed = s.history.some((h: any) => h.type === 'renewed');
          return charges === 1 || renewed || refunds === charges - 1;
        },
        20_000,
      );
      const types = settled.history.map((h: any) => h.type);
      expect(settled.agreement.status).toBe('cancelled_at_period_end');
      const kept = settled.receipts.reduce((sum: number, r: any) => sum + r.total.amount, 0);
      if (types.includes('renewed')) {
        // The run's charge was decided before the cancel: a paid period, ending at its new end.
        expect(types.indexOf('renewed')).toBeLessThan(types.indexOf('cancelled'));
        expect(Date.parse(settled.agreement.validTo)).toBeGreaterThan(Date.parse(periodEnd));
        expect(kept).toBe(2 * monthly.price.amount);
      } else {
        // Cancelled first: validity unchanged, and only the first period's money kept.
        expect(settled.agreement.validTo).toBe(periodEnd);
        expect(kept).toBe(monthly.price.amount);
      }
    }
    // A run again charges none of them.
    expect((await api.post('/v1/admin/renewals/run', { asOf: due }, admin)).body.charged).toBe(0);
  }, 120_000);
});
