// Contract of the Stripe adapter (through Stripe's official client) against the local fake of Stripe's
// public API (libs/testing/fake-stripe.ts): cards stored as Stripe's references, success, decline,
// 3-D Secure by redirect and challenge, off-session renewal charges, refunds, idempotency keys, a
// timeout whose outcome a later webhook tells, and webhook signatures over the raw body.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { nok } from '@parking/contracts';
import { FakeStripe } from '@parking/testing';
import { StripePsp } from './stripe-psp.js';
import { parseCardRef, parseChargeRef } from './stripe-refs.js';

const account = 'acct_1ParkingOperator';
const returnUrl = 'https://portal.example.no/?x=1#/buy/p1';

describe('the Stripe adapter against the fake Stripe API', () => {
  let fake: FakeStripe;
  let psp: StripePsp;
  const settings = () => ({
    secretKey: fake.secretKey,
    webhookSecret: fake.webhookSecret,
    apiUrl: fake.url,
    timeoutMs: 2_000,
    webhookToleranceS: 300,
  });
  beforeAll(async () => {
    fake = await FakeStripe.start();
    psp = new StripePsp(settings());
  });
  afterAll(async () => {
    await fake.stop();
  });

  const add = (token: string, a = account) => psp.addCard({ token, operatorAccount: a, returnUrl });
  const requestsFor = (path: string) => fake.requests.filter((r) => r.path === path);

  it('stores a card as a customer with the payment method set up off-session, in the operator account', async () => {
    const card = await add('pm_card_visa');
    expect(card).toMatchObject({ status: 'active', brand: 'visa', last4: '4242', expMonth: 12 });
    const ref = parseCardRef(card.pspRef)!;
    expect(ref).toMatchObject({ account, paymentMethod: 'pm_card_visa' });
    expect(ref.customer).toMatch(/^cus_/);
    const [setup] = requestsFor('/v1/setup_intents').slice(-1);
    expect(setup).toMatchObject({
      account,
      params: expect.objectContaining({ customer: ref.customer, usage: 'off_session', confirm: 'true' }),
    });
    // Every write carries an idempotency key, so the library's own retry cannot do it twice.
    expect(setup!.idempotencyKey).toBeTruthy();
  });

  it('charges off-session under our idempotency key, which the webhook can read back', async () => {
    const card = await add('pm_card_mastercard');
    const result = await psp.charge({
      pspRef: card.pspRef,
      amount: nok(125000),
      idempotencyKey: 'agr-1:1',
      operatorAccount: 'ignored',
    });
    expect(result.status).toBe('succeeded');
    const { paymentIntent, account: a } = parseChargeRef(result.pspChargeId)!;
    expect(a).toBe(account);
    expect(fake.get(paymentIntent)).toMatchObject({
      amount: 125000,
      currency: 'nok',
      status: 'succeeded',
      metadata: { idempotency_key: 'agr-1:1' },
    });
    const [request] = requestsFor('/v1/payment_intents').slice(-1);
    expect(request).toMatchObject({
      account,
      idempotencyKey: 'agr-1:1',
      params: expect.objectContaining({
        off_session: 'true',
        confirm: 'true',
        payment_method: 'pm_card_mastercard',
      }),
    });
  });

  it('charges a stored card again for a renewal (a new period, a new key), without the card holder', async () => {
    const card = await add('pm_card_visa');
    const first = await psp.charge({
      pspRef: card.pspRef,
      amount: nok(50000),
      idempotencyKey: 'agr-2:1',
      operatorAccount: '',
    });
    const renewal = await psp.charge({
      pspRef: card.pspRef,
      amount: nok(50000),
      idempotencyKey: 'agr-2:2',
      operatorAccount: '',
    });
    expect([first.status, renewal.status]).toEqual(['succeeded', 'succeeded']);
    expect(renewal.pspChargeId).not.toBe(first.pspChargeId);
  });

  it('answers a repeated key with the first result and moves no money twice', async () => {
    const card = await add('pm_card_visa');
    const before = requestsFor('/v1/payment_intents').length;
    const ask = () =>
      psp.charge({ pspRef: card.pspRef, amount: nok(70000), idempotencyKey: 'agr-3:1', operatorAccount: '' });
    const [a, b] = await Promise.all([ask(), ask()].map((p) => p.catch((e: unknown) => e)));
    const again = await ask();
    const results = [a, b, again] as { status: string; pspChargeId: string }[];
    // One of two racing first requests may find the other still running (409): unknown, left to the webhook.
    const settled = results.filter((r) => r.status === 'succeeded');
    expect(settled.length).toBeGreaterThanOrEqual(2);
    expect(new Set(settled.map((r) => r.pspChargeId)).size).toBe(1);
    expect(fake.paymentIntentsFor('agr-3:1')).toHaveLength(1);
    const charged = [...new Set(settled.map((r) => parseChargeRef(r.pspChargeId)!.paymentIntent))];
    expect(charged).toHaveLength(1);
    expect(
      requestsFor('/v1/payment_intents')
        .slice(before)
        .some((r) => r.replayed),
    ).toBe(true);
  });

  it('is declined: a card refused when set up, and charges refused for funds or by the issuer', async () => {
    expect((await add('pm_card_chargeDeclined')).status).toBe('declined');
    expect((await add('pm_card_does_not_exist')).status).toBe('declined');
    const poor = await add('pm_card_chargeDeclinedInsufficientFunds');
    expect(poor.status).toBe('active');
    const noFunds = await psp.charge({
      pspRef: poor.pspRef,
      amount: nok(100),
      idempotencyKey: 'agr-4:1',
      operatorAccount: '',
    });
    expect(noFunds).toMatchObject({ status: 'failed', reason: 'insufficient_funds' });
    expect(parseChargeRef(noFunds.pspChargeId)?.paymentIntent).toMatch(/^pi_/);
    const refusing = await add('pm_card_chargeCustomerFail');
    const declined = await psp.charge({
      pspRef: refusing.pspRef,
      amount: nok(100),
      idempotencyKey: 'agr-5:1',
      operatorAccount: '',
    });
    expect(declined).toMatchObject({ status: 'failed', reason: 'declined' });
  });

  it('asks for 3-D Secure by redirect; the card is active once the challenge is completed, then charged off-session', async () => {
    const card = await add('pm_card_authenticationRequiredOnSetup');
    expect(card).toMatchObject({ status: 'requires_action', challenge: { kind: 'redirect' } });
    const { challengeId, redirectUrl } = card.challenge!;
    expect(challengeId).toMatch(/^seti_/);
    // Not completed yet: neither confirmed nor chargeable.
    expect(await psp.confirmCard({ pspRef: card.pspRef, challengeId, code: '' })).toBe('wrong_code');
    const early = await psp.charge({
      pspRef: card.pspRef,
      amount: nok(100),
      idempotencyKey: 'agr-6:0',
      operatorAccount: '',
    });
    expect(early).toMatchObject({ status: 'failed', reason: 'authentication_required' });

    const page = await fetch(redirectUrl!);
    expect(page.status).toBe(200);
    const done = await fetch(`${redirectUrl}/complete`, { method: 'POST', redirect: 'manual' });
    expect(done.status).toBe(303);
    const back = new URL(done.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe('https://portal.example.no/');
    expect(back.hash).toBe('#/buy/p1');
    expect(back.searchParams.get('x')).toBe('1');
    expect(back.searchParams.get('redirect_status')).toBe('succeeded');
    expect(back.searchParams.get('setup_intent')).toBe(challengeId);

    expect(await psp.confirmCard({ pspRef: card.pspRef, challengeId, code: '' })).toBe('active');
    // Another card's challenge does not confirm this one.
    const other = await add('pm_card_visa');
    expect(await psp.confirmCard({ pspRef: other.pspRef, challengeId, code: '' })).toBe('wrong_code');
    const renewal = await psp.charge({
      pspRef: card.pspRef,
      amount: nok(100),
      idempotencyKey: 'agr-6:1',
      operatorAccount: '',
    });
    expect(renewal.status).toBe('succeeded');
  });

  it('a failed challenge leaves the card unconfirmed; an issuer that insists declines off-session charges', async () => {
    const failed = await add('pm_card_authenticationRequiredOnSetup');
    await fetch(`${failed.challenge!.redirectUrl}/fail`, { method: 'POST', redirect: 'manual' });
    expect(
      await psp.confirmCard({ pspRef: failed.pspRef, challengeId: failed.challenge!.challengeId, code: '' }),
    ).toBe('wrong_code');
    const strict = await add('pm_card_authenticationRequired');
    await fetch(`${strict.challenge!.redirectUrl}/complete`, { method: 'POST', redirect: 'manual' });
    const charge = await psp.charge({
      pspRef: strict.pspRef,
      amount: nok(100),
      idempotencyKey: 'agr-7:1',
      operatorAccount: '',
    });
    expect(charge).toMatchObject({ status: 'failed', reason: 'authentication_required' });
  });

  it('refunds a charge once per key, never more than was charged', async () => {
    const card = await add('pm_card_visa');
    const charge = await psp.charge({
      pspRef: card.pspRef,
      amount: nok(90000),
      idempotencyKey: 'agr-8:1',
      operatorAccount: '',
    });
    const refund = () =>
      psp.refund({ pspChargeId: charge.pspChargeId, amount: nok(60000), idempotencyKey: 'refund:agr-8:1' });
    const first = await refund();
    expect(first.status).toBe('succeeded');
    expect(first.pspRefundId).toMatch(/^re_/);
    expect(await refund()).toEqual(first);
    expect(fake.get(first.pspRefundId)).toMatchObject({ amount: 60000, status: 'succeeded' });
    const refunds = requestsFor('/v1/refunds').filter((r) => !r.replayed);
    expect(refunds.filter((r) => r.idempotencyKey === 'refund:agr-8:1')).toHaveLength(1);
    expect(refunds.at(-1)).toMatchObject({ account });
    // 60 000 of 90 000 refunded: another 60 000 is more than is left.
    const tooMuch = await psp.refund({
      pspChargeId: charge.pspChargeId,
      amount: nok(60000),
      idempotencyKey: 'refund:x',
    });
    expect(tooMuch.status).toBe('failed');
  });

  it('leaves a charge pending when Stripe does not answer in time; its webhook tells the outcome later', async () => {
    const slow = new StripePsp({ ...settings(), timeoutMs: 300 });
    const card = await add('pm_card_visa');
    fake.delayNextResponse(1_500, 2); // the request and the library's retry under the same key
    const result = await slow.charge({
      pspRef: card.pspRef,
      amount: nok(40000),
      idempotencyKey: 'agr-9:1',
      operatorAccount: '',
    });
    expect(result).toEqual({ status: 'pending', pspChargeId: '' });
    // Stripe did charge: its event names our key, signed over the bytes it sends.
    const sent = fake.events.find(
      (e) =>
        e.event.type === 'payment_intent.succeeded' &&
        (e.event.data as { object: { metadata: Record<string, string> } }).object.metadata.idempotency_key ===
          'agr-9:1',
    );
    expect(sent).toBeDefined();
    const verdict = psp.verifyWebhook(sent!.payload, fake.sign(sent!.payload));
    expect(verdict).toMatchObject({ event: { type: 'payment_intent.succeeded', account } });
    // Asking again with the same key gives the same charge, not a second one.
    const again = await psp.charge({
      pspRef: card.pspRef,
      amount: nok(40000),
      idempotencyKey: 'agr-9:1',
      operatorAccount: '',
    });
    expect(again.status).toBe('succeeded');
    expect(fake.paymentIntentsFor('agr-9:1')).toHaveLength(1);
  });

  it('verifies webhooks over the raw body: a re-serialised body, another secret or an old timestamp is refused', async () => {
    const event = await fake.emit(
      'payment_intent.succeeded',
      { id: 'pi_x', object: 'payment_intent', metadata: {} },
      account,
    );
    const payload = fake.events.find((e) => e.event.id === event.id)!.payload;
    expect(payload).toContain('\n  "'); // Stripe's bytes are not compact JSON
    expect(psp.verifyWebhook(payload, fake.sign(payload))).toMatchObject({ event: { id: event.id } });
    expect(psp.verifyWebhook(JSON.stringify(JSON.parse(payload)), fake.sign(payload))).toEqual({
      refused: 'mismatch',
    });
    expect(psp.verifyWebhook(payload, fake.sign(payload, undefined, 'whsec_someone_else_123'))).toEqual({
      refused: 'mismatch',
    });
    const old = Math.floor(Date.now() / 1000) - 3_600;
    expect(psp.verifyWebhook(payload, fake.sign(payload, old))).toEqual({ refused: 'too_old' });
    expect(psp.verifyWebhook(payload, 'nonsense')).toEqual({ refused: 'malformed' });
  });

  it('is unavailable, without the secret in the error, when Stripe refuses the key', async () => {
    const wrong = new StripePsp({ ...settings(), secretKey: 'sk_test_wrong_key_123456' });
    const err = await wrong
      .addCard({ token: 'pm_card_visa', operatorAccount: account })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'UNAVAILABLE' });
    expect(JSON.stringify(err)).not.toContain('sk_test_wrong_key_123456');
    expect(String((err as Error).message)).not.toContain('sk_test');
    await expect(
      psp.addCard({ token: 'pm_card_visa', operatorAccount: 'not-an-account' }),
    ).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });
});
