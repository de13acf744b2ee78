// The guide's purchase, a renewal run and a refund through the real Stripe adapter, end to end over
// HTTP: the whole stack, an operator switched to `psp.provider: stripe` on its connected account, and
// the local fake of Stripe's API (which also POSTs its signed events to the gateway's webhook route,
// verified over the raw body). The other operator stays on the sandbox, the development default.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeStripe } from '@parking/testing';
import { eventually, startJourneyStack, type JourneyStack } from './support/journey.js';

const osloToday = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Oslo' });
const account = 'acct_1DemoParkering';

describe('card payments through Stripe', () => {
  let env: JourneyStack;
  let fake: FakeStripe;
  let monthly: any;
  let admin: string;

  beforeAll(async () => {
    fake = await FakeStripe.start();
    env = await startJourneyStack({
      STRIPE_SECRET_KEY: fake.secretKey,
      STRIPE_WEBHOOK_SECRET: fake.webhookSecret,
      STRIPE_API_URL: fake.url,
      // Renewals only when this suite runs them.
      RENEWAL_INTERVAL_MS: '0',
    });
    fake.webhookUrl = `${env.stack.gatewayUrl}/v1/psp/webhooks`;
    const { api } = env;
    const platform = await api.logIn('+4790000009', 'demo-password-1');
    const operators = (await api.get('/v1/platform/operators', platform)).body.items;
    const demo = operators.find((o: any) => o.slug !== 'fjord');
    const patched = await api.call('PATCH', `/v1/platform/operators/${demo.id}`, {
      token: platform,
      body: { psp: { provider: 'stripe', account } },
    });
    expect(patched.status).toBe(200);
    // The payment service reads operators from identity: wait until identity lists the change.
    const listed = await eventually(
      () => api.get('/v1/platform/operators', platform),
      (r) => r.body.items?.find((o: any) => o.id === demo.id)?.psp.provider === 'stripe',
      10_000,
    );
    expect(listed.body.items.find((o: any) => o.id === demo.id).psp.provider).toBe('stripe');
    const oslo = (await api.get('/v1/cities')).body.items.find((c: any) => c.name === 'Oslo');
    const [centre] = (await api.get(`/v1/cities/${oslo.id}/locations`)).body.items;
    monthly = (await api.get(`/v1/locations/${centre.id}/products`)).body.items[0];
    admin = await api.logIn('+4790000001', 'demo-password-1');
  }, 180_000);
  afterAll(async () => {
    await env?.stop();
    await fake?.stop();
  }, 60_000);

  const intentOf = (key: string) => fake.paymentIntentsFor(key);

  async function purchase(token: string, cardToken: string, plate: string) {
    return env.api.post(
      '/v1/agreements',
      {
        productId: monthly.id,
        vehicles: [{ plate }],
        startDate: osloToday(),
        acceptedTermsId: monthly.termsId,
        paymentMethodId: cardToken,
      },
      token,
    );
  }

  it('a card with 3-D Secure by redirect, the purchase, and its renewal run, charged at Stripe', async () => {
    const { api } = env;
    const token = await api.signInBySms('+4797100001');
    const returnUrl = 'http://127.0.0.1:8080/?operator=demo#/buy/monthly';
    const added = await api.post(
      '/v1/payment-methods',
      { token: 'pm_card_authenticationRequiredOnSetup', returnUrl },
      token,
    );
    expect(added.status).toBe(202);
    expect(added.body).toMatchObject({ status: 'requires_action', brand: 'visa', last4: '3155' });
    expect(added.body.challenge).toMatchObject({ kind: 'redirect' });
    const redirectUrl = added.body.challenge.redirectUrl as string;
    expect(redirectUrl.startsWith(fake.url)).toBe(true);

    // Not completed: the card cannot be confirmed, and nothing is bought with it.
    const early = await api.post(`/v1/payment-methods/${added.body.id}/confirm`, {}, token);
    expect(early.status).toBe(422);

    // The card holder completes the bank's challenge and is sent back into the purchase.
    expect((await fetch(redirectUrl)).status).toBe(200);
    const back = await fetch(`${redirectUrl}/complete`, { method: 'POST', redirect: 'manual' });
    expect(back.status).toBe(303);
    const location = new URL(back.headers.get('location')!);
    expect(location.hash).toBe('#/buy/monthly');
    expect(location.searchParams.get('redirect_status')).toBe('succeeded');
    const confirmed = await api.post(`/v1/payment-methods/${added.body.id}/confirm`, {}, token);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'active', last4: '3155' });
    expect(confirmed.body.challenge).toBeUndefined();

    const bought = await purchase(token, added.body.id, 'ST10001');
    expect(bought.status).toBe(201);
    expect(bought.body.status).toBe('active');
    const agreement = bought.body;
    const [first] = intentOf(`${agreement.id}:1`);
    expect(first).toMatchObject({ status: 'succeeded', amount: monthly.price.amount, currency: 'nok' });
    const receipts = await eventually(
      () => api.get('/v1/receipts', token),
      (r) => r.body.items?.length === 1,
      15_000,
    );
    expect(receipts.body.items[0]).toMatchObject({ kind: 'charge', total: { amount: monthly.price.amount } });

    // The renewal run charges the stored card off-session, at the operator's account.
    const run = await api.post('/v1/admin/renewals/run', { asOf: agreement.nextRenewalAt }, admin);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ charged: 1, failed: 0 });
    const [renewal] = intentOf(`${agreement.id}:2`);
    expect(renewal).toMatchObject({ status: 'succeeded', customer: first!.customer });
    const charges = fake.requests.filter((r) => r.path === '/v1/payment_intents' && r.method === 'POST');
    expect(charges.every((r) => r.account === account && r.params.off_session === 'true')).toBe(true);
    const renewed = await eventually(
      () => api.get(`/v1/agreements/${agreement.id}`, token),
      (r) => r.body.validTo !== agreement.validTo,
      15_000,
    );
    expect(Date.parse(renewed.body.validTo)).toBeGreaterThan(Date.parse(agreement.validTo));
    await eventually(
      () => api.get('/v1/receipts', token),
      (r) => r.body.items?.length === 2,
      15_000,
    );
  });

  it('a declined card is refused at purchase with no money taken', async () => {
    const { api } = env;
    const token = await api.signInBySms('+4797100002');
    expect((await api.post('/v1/payment-methods', { token: 'pm_card_chargeDeclined' }, token)).status).toBe(
      402,
    );
    const poor = await api.post(
      '/v1/payment-methods',
      { token: 'pm_card_chargeDeclinedInsufficientFunds' },
      token,
    );
    expect(poor.status).toBe(201);
    const bought = await purchase(token, poor.body.id, 'ST10002');
    expect(bought.status).toBe(402);
    expect((await api.get('/v1/receipts', token)).body.items).toEqual([]);
  });

  it('a withdrawal refunds at Stripe with a credit note', async () => {
    const { api } = env;
    const token = await api.signInBySms('+4797100003');
    const card = await api.post('/v1/payment-methods', { token: 'pm_card_visa' }, token);
    expect(card.status).toBe(201);
    const bought = await purchase(token, card.body.id, 'ST10003');
    expect(bought.status).toBe(201);
    const [charge] = intentOf(`${bought.body.id}:1`);
    const withdrawn = await api.post(`/v1/agreements/${bought.body.id}/withdraw`, {}, token);
    expect(withdrawn.body.status).toBe('ended');
    const credit = await eventually(
      () => api.get('/v1/receipts', token),
      (r) => r.body.items?.some((x: any) => x.kind === 'refund'),
      15_000,
    );
    const note = credit.body.items.find((x: any) => x.kind === 'refund');
    const refunds = fake.requests.filter((r) => r.path === '/v1/refunds' && !r.replayed);
    const ours = refunds.filter((r) => r.params.payment_intent === charge!.id);
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ account, idempotencyKey: `refund:${bought.body.id}:1` });
    expect(Number(ours[0]!.params.amount)).toBe(Math.abs(note.total.amount));
  });

  it("Stripe's signed events reach the service through the gateway's raw body; a forged one is refused", async () => {
    // Every event the fake sent (pretty-printed JSON, as Stripe sends) was accepted.
    const sent = await eventually(
      async () => fake.events,
      (events) => events.length > 0 && events.every((e) => e.delivered !== null),
      10_000,
    );
    expect(sent.length).toBeGreaterThan(3);
    expect(sent.map((e) => e.delivered)).toEqual(sent.map(() => 200));
    const payload = sent[0]!.payload;
    expect(await fake.deliver(payload, fake.sign(payload, undefined, 'whsec_forged_000000'))).toBe(401);
    expect(await fake.deliver(JSON.stringify(JSON.parse(payload)), fake.sign(payload))).toBe(401);
    // A redelivery of a real one is acknowledged and changes nothing.
    expect(await fake.deliver(payload)).toBe(200);
  });

  it('the other operator stays on the sandbox', async () => {
    const { api } = env;
    const headers = { 'x-operator': 'fjord' };
    const token = await api.signInBySms('+4797100004', headers);
    const card = await api.post('/v1/payment-methods', { token: 'tok_visa' }, token, headers);
    expect(card.status).toBe(201);
    expect(card.body).toMatchObject({ status: 'active', last4: '4242' });
  });
});
