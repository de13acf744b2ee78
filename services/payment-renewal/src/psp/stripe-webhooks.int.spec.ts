// Stripe through the service, on a real database, against the fake Stripe API: an operator whose
// `psp.provider` is stripe stores cards there (3-D Secure by redirect, finished by the return or by the
// signed webhook), a renewal whose charge Stripe does not answer in time stays pending until Stripe's
// late webhook settles it once (a duplicate changes nothing), and a bad or re-serialised signature is
// refused.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RequestContext } from '@parking/contracts';
import type { Operator } from '@parking/contracts/identity';
import { FakeStripe } from '@parking/testing';
import { runRenewals } from '../commands/running-renewals/run-renewals.js';
import {
  activeAgreement,
  customerOf,
  eventsAbout,
  harness,
  type Harness,
} from '../commands/running-renewals/renewals.test-helpers.js';
import { OperatorDirectory } from '../operators/operator-directory.js';
import {
  addPaymentMethod,
  confirmPaymentMethod,
  getPaymentMethod,
} from '../projections/payment-methods/payment-methods.js';
import { PspRouter } from './psp-router.js';
import { SandboxPsp } from './sandbox-psp.js';
import { StripePsp } from './stripe-psp.js';
import { receivePspWebhook } from './webhooks.js';

const ctx: RequestContext = { operatorId: '', caller: { kind: 'anonymous' }, correlationId: 'stripe' };
const account = 'acct_1TestOperator';

describe('Stripe webhooks and cards through the service', () => {
  let h: Harness;
  let fake: FakeStripe;
  let stripe: StripePsp;

  beforeAll(async () => {
    h = await harness();
    fake = await FakeStripe.start();
    stripe = new StripePsp({
      secretKey: fake.secretKey,
      webhookSecret: fake.webhookSecret,
      apiUrl: fake.url,
      timeoutMs: 300,
      webhookToleranceS: 300,
    });
    const operator = await h.deps.operators.get(h.operatorId);
    const seller: Operator = {
      ...operator!,
      hosts: ['portal.example.no'],
      psp: { provider: 'stripe', account },
    };
    h.deps.operators = new OperatorDirectory(async () => ({ items: [seller], defaultOperatorId: seller.id }));
    h.deps.psp = new PspRouter({ sandbox: new SandboxPsp(h.db.pool), stripe });
    h.deps.stripe = stripe;
  });
  afterAll(async () => {
    await fake.stop();
    await h.close();
  });

  const deliver = (payload: string, signature = fake.sign(payload)) =>
    receivePspWebhook(h.deps, { payload, signature, scheme: 'stripe' }, ctx);
  const sentAbout = (type: string, id: string) =>
    fake.events.filter(
      (e) =>
        e.event.type === type && JSON.stringify((e.event.data as { object: unknown }).object).includes(id),
    );

  it('stores a card at Stripe; 3-D Secure by redirect back to the operator portal, confirmed by asking Stripe', async () => {
    const userId = crypto.randomUUID();
    const customer = customerOf(h.operatorId, userId);
    const card = await addPaymentMethod(
      h.deps,
      { token: 'pm_card_authenticationRequiredOnSetup', returnUrl: 'https://portal.example.no/#/buy/1' },
      customer,
    );
    expect(card).toMatchObject({ status: 'requires_action', challenge: { kind: 'redirect' } });
    expect(card.challenge!.redirectUrl).toMatch(new RegExp(`^${fake.url}/3ds/seti_`));
    const { rows } = await h.db.pool.query('select psp_ref from payment_methods where id = $1', [card.id]);
    expect(rows[0].psp_ref).toMatch(
      new RegExp(`^stripe:${account}:cus_\\w+:pm_card_authenticationRequiredOnSetup$`),
    );

    // Back before completing: refused, naming the challenge; nothing changes.
    await expect(confirmPaymentMethod(h.deps, { paymentMethodId: card.id }, customer)).rejects.toMatchObject({
      code: 'RULE_VIOLATED',
    });
    await fetch(`${card.challenge!.redirectUrl}/complete`, { method: 'POST', redirect: 'manual' });
    expect(await confirmPaymentMethod(h.deps, { paymentMethodId: card.id }, customer)).toMatchObject({
      status: 'active',
    });
  });

  it("refuses a return URL off the operator's portal (no open redirect through the PSP)", async () => {
    const customer = customerOf(h.operatorId, crypto.randomUUID());
    for (const returnUrl of [
      'https://evil.example.com/',
      'http://portal.example.no/',
      'javascript:alert(1)',
    ]) {
      await expect(
        addPaymentMethod(h.deps, { token: 'pm_card_visa', returnUrl }, customer),
      ).rejects.toMatchObject({
        code: 'VALIDATION',
        fields: [expect.objectContaining({ path: 'returnUrl' })],
      });
    }
    const local = await addPaymentMethod(
      h.deps,
      { token: 'pm_card_visa', returnUrl: 'http://127.0.0.1:5173/#/buy/1' },
      customer,
    );
    expect(local.status).toBe('active');
  });

  it("activates a redirect-challenged card when Stripe's signed setup_intent.succeeded arrives first", async () => {
    const customer = customerOf(h.operatorId, crypto.randomUUID());
    const card = await addPaymentMethod(h.deps, { token: 'pm_card_authenticationRequiredOnSetup' }, customer);
    await fetch(`${card.challenge!.redirectUrl}/complete`, { method: 'POST', redirect: 'manual' });
    const [sent] = sentAbout('setup_intent.succeeded', card.challenge!.challengeId);
    expect(await deliver(sent!.payload)).toEqual({ settled: false });
    expect(await getPaymentMethod(h.deps, { paymentMethodId: card.id }, customer)).toMatchObject({
      status: 'active',
    });
  });

  it('a renewal Stripe does not answer in time stays pending; the late webhook settles it once', async () => {
    const a = await activeAgreement(h, { validTo: new Date('2027-02-10T23:00:00Z'), token: 'pm_card_visa' });
    const asOf = new Date(a.renewal.dueAt);
    fake.delayNextResponse(1_500, 2); // the charge and the library's retry under the same key
    expect(await runRenewals(h.deps, { operatorId: h.operatorId, asOf })).toMatchObject({
      charged: 0,
      failed: 0,
    });
    const key = `${a.agreementId}:2`;
    const charge = async () =>
      (await h.db.pool.query('select status, psp_charge_id from charges where idempotency_key = $1', [key]))
        .rows[0];
    expect(await charge()).toMatchObject({ status: 'pending' });
    expect(await eventsAbout(h, a.agreementId)).toEqual([]);

    const [late] = sentAbout('payment_intent.succeeded', key);
    expect(late).toBeDefined();
    // A forged signature, or the same event re-serialised, is refused and changes nothing.
    await expect(
      deliver(late!.payload, fake.sign(late!.payload, undefined, 'whsec_not_stripe_1234')),
    ).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(
      deliver(JSON.stringify(JSON.parse(late!.payload)), fake.sign(late!.payload)),
    ).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect(await charge()).toMatchObject({ status: 'pending' });

    // The same event from another Stripe account (an operator's own intents may carry any metadata)
    // settles nothing: only the charge's operator's account may.
    const elsewhere = late!.payload.replace(`"account": "${account}"`, '"account": "acct_1SomeoneElse"');
    expect(elsewhere).not.toBe(late!.payload);
    expect(await deliver(elsewhere)).toEqual({ settled: false });
    expect(await charge()).toMatchObject({ status: 'pending' });

    // The real one, twice (Stripe redelivers), and in parallel: settled once.
    const results = await Promise.all([deliver(late!.payload), deliver(late!.payload)]);
    expect(results.map((r) => r.settled).sort()).toEqual([false, true]);
    expect(await deliver(late!.payload)).toEqual({ settled: false });
    const settled = await charge();
    expect(settled.status).toBe('succeeded');
    expect(settled.psp_charge_id).toMatch(new RegExp(`^stripe:${account}:pi_`));
    const events = await eventsAbout(h, a.agreementId);
    expect(events.map((e) => e.type)).toEqual(['ChargeSucceeded']);
    const { rows } = await h.db.pool.query(
      'select count(*)::int as n from receipts where agreement_id = $1',
      [a.agreementId],
    );
    expect(rows[0].n).toBe(1);
    expect(fake.paymentIntentsFor(key)).toHaveLength(1);
  });

  it('a declined renewal is recorded failed with the reason Stripe gave', async () => {
    const a = await activeAgreement(h, {
      validTo: new Date('2027-02-12T23:00:00Z'),
      token: 'pm_card_chargeDeclinedInsufficientFunds',
    });
    expect(
      await runRenewals(h.deps, { operatorId: h.operatorId, asOf: new Date(a.renewal.dueAt) }),
    ).toMatchObject({
      failed: 1,
    });
    const [event] = await eventsAbout(h, a.agreementId);
    expect(event).toMatchObject({ type: 'ChargeFailed', data: { reason: 'insufficient_funds' } });
  });
});
