// Renewals over HTTP, as PRODUCT.md tells them: the operator's renewal run at a chosen instant charges
// what is due (validity moves a period forward at once, a receipt that adds up), a failing card makes
// the agreement past due, switching the card retries at once, an agreement unpaid at its period end
// ends; withdrawal and termination refund pro rata with credit notes; the ledger's CSV export.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, startJourneyStack, type JourneyStack } from './support/journey.js';

const osloToday = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Oslo' });

describe('renewals, refunds and receipts', () => {
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

  async function buy(phone: string, psp: string, plate: string) {
    const { api } = env;
    const token = await api.signInBySms(phone);
    const card = await api.post('/v1/payment-methods', { token: psp }, token);
    expect(card.status).toBe(201);
    const bought = await api.post(
      '/v1/agreements',
      {
        productId: monthly.id,
        vehicles: [{ plate }],
        startDate: osloToday(),
        acceptedTermsId: monthly.termsId,
        paymentMethodId: card.body.id,
      },
      token,
    );
    expect(bought.status).toBe(201);
    return { token, agreement: bought.body };
  }

  const run = (asOf: string) => env.api.post('/v1/admin/renewals/run', { asOf }, admin);
  const agreementOf = (token: string, id: string, until: (a: any) => boolean) =>
    eventually(
      () => env.api.get(`/v1/agreements/${id}`, token),
      (r) => until(r.body),
      15_000,
    );

  it('renews, fails, retries after a card switch, and ends what stays unpaid', async () => {
    const { api } = env;
    const paying = await buy('+4797000001', 'tok_visa', 'RN10001');
    const switching = await buy('+4797000002', 'tok_fail_after_first', 'RN10002');
    const unpaid = await buy('+4797000003', 'tok_fail_after_first', 'RN10003');
    expect(paying.agreement).toMatchObject({ autoRenew: true, status: 'active' });
    const due = paying.agreement.nextRenewalAt as string;
    const periodEnd = paying.agreement.validTo as string;

    // Not due yet: a run a second before charges nothing.
    const early = await run(new Date(Date.parse(due) - 1000).toISOString());
    expect(early.status).toBe(200);
    expect(early.body.charged).toBe(0);

    const atDue = await run(due);
    expect(atDue.body).toMatchObject({ charged: 1, failed: 2 });
    // Running again at the same instant charges nothing more.
    expect((await run(due)).body).toMatchObject({ charged: 0 });

    const renewed = await agreementOf(paying.token, paying.agreement.id, (a) => a.validTo !== periodEnd);
    expect(renewed.body.status).toBe('active');
    expect(Date.parse(renewed.body.validTo)).toBeGreaterThan(Date.parse(periodEnd));
    const receipts = await eventually(
      () => api.get('/v1/receipts', paying.token),
      (r) => r.body.items?.length === 2,
      15_000,
    );
    const [renewal, first] = receipts.body.items;
    expect(renewal.number).toBeGreaterThan(first.number);
    expect(renewal).toMatchObject({
      kind: 'charge',
      total: { amount: 250000 },
      vat: { amount: 50000 },
      vatRate: 25,
    });
    expect(renewal.net.amount + renewal.vat.amount).toBe(renewal.total.amount);
    expect(renewal.period.from).toBe(periodEnd);

    const pastDue = await agreementOf(
      switching.token,
      switching.agreement.id,
      (a) => a.status === 'past_due',
    );
    expect(pastDue.body.validTo).toBe(periodEnd); // still valid until its period end
    const newCard = await api.post('/v1/payment-methods', { token: 'tok_visa' }, switching.token);
    const switched = await api.call('PUT', `/v1/agreements/${switching.agreement.id}/payment-method`, {
      token: switching.token,
      body: { paymentMethodId: newCard.body.id },
    });
    expect(switched.status).toBe(200);
    const recovered = await agreementOf(
      switching.token,
      switching.agreement.id,
      (a) => a.status === 'active' && a.validTo !== periodEnd,
    );
    expect(Date.parse(recovered.body.validTo)).toBeGreaterThan(Date.parse(periodEnd));

    // The third card keeps failing: retried 48 h before and at the period end, then ended unpaid.
    await run(new Date(Date.parse(periodEnd) - 48 * 3_600_000).toISOString());
    const atEnd = await run(periodEnd);
    expect(atEnd.body.ended).toBeGreaterThanOrEqual(1);
    const ended = await agreementOf(unpaid.token, unpaid.agreement.id, (a) => a.status === 'ended');
    expect(ended.body.validTo).toBe(periodEnd);
    const history = await api.get(`/v1/agreements/${unpaid.agreement.id}/history`, unpaid.token);
    const types = history.body.items.map((h: any) => h.type);
    // The retry at the period end runs just before the end; its failure may reach the agreement after it
    // ended, when it no longer changes anything.
    expect(types.slice(0, 2)).toEqual(['purchased', 'activated']);
    expect(types.filter((t: string) => t === 'renewal_failed').length).toBeGreaterThanOrEqual(2);
    expect(types.at(-1)).toBe('ended');
  });

  it('refunds a withdrawal and a pro-rata termination with credit notes, and exports the ledger', async () => {
    const { api } = env;
    const withdrawing = await buy('+4797000010', 'tok_visa', 'RF10001');
    const withdrawn = await api.post(
      `/v1/agreements/${withdrawing.agreement.id}/withdraw`,
      {},
      withdrawing.token,
    );
    expect(withdrawn.body.status).toBe('ended');
    const credit = await eventually(
      () => api.get('/v1/receipts', withdrawing.token),
      (r) => r.body.items?.some((x: any) => x.kind === 'refund'),
      15_000,
    );
    const note = credit.body.items.find((x: any) => x.kind === 'refund');
    expect(note.agreementId).toBe(withdrawing.agreement.id);
    // Bought today from today: almost all of the month unused, never more than was paid.
    expect(Math.abs(note.total.amount)).toBeGreaterThan(200000);
    expect(Math.abs(note.total.amount)).toBeLessThanOrEqual(250000);
    expect(Math.abs(note.net.amount) + Math.abs(note.vat.amount)).toBe(Math.abs(note.total.amount));

    const terminated = await buy('+4797000011', 'tok_visa', 'RF10002');
    const ended = await api.post(
      `/v1/admin/agreements/${terminated.agreement.id}/terminate`,
      { reason: 'Flyttet', refund: 'pro_rata' },
      admin,
    );
    expect(ended.body.status).toBe('ended');
    await eventually(
      () => api.get('/v1/receipts', terminated.token),
      (r) => r.body.items?.some((x: any) => x.kind === 'refund'),
      15_000,
    );

    const csv = await api.call('GET', '/v1/admin/receipts', {
      token: admin,
      headers: { accept: 'text/csv' },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = String(csv.body).trim().split('\n');
    expect(lines[0].toLowerCase()).toContain('number');
    expect(lines.length).toBeGreaterThanOrEqual(5);
  });
});
