// The renewal run: each period charged once at its due time with a receipt and an event carrying
// asOf, retries of a failed charge at their times under new PSP keys, the staff list checked again,
// a card change retrying at once, the price in force, the agreement service asked to end what is over.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Subscription } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { AGREEMENT_SUBJECTS } from '@parking/contracts/agreement';
import { CATALOGUE_SUBJECTS } from '@parking/contracts/catalogue';
import { IDENTITY_SUBJECTS } from '@parking/contracts/identity';
import { sendPendingNotifications } from '../../notifications/notifications.js';
import { parseConfig } from '@parking/platform';
import { configSchema } from '../../config.js';
import { runRenewals, runRenewalsRequest } from './run-renewals.js';
import {
  activeAgreement,
  cardFor,
  countsFor,
  DAY,
  eventsAbout,
  harness,
  HOUR,
  respond,
  tell,
  type Harness,
} from './renewals.test-helpers.js';

describe('the renewal run', () => {
  let h: Harness;
  const subscriptions: Subscription[] = [];
  const staff = new Map<string, Set<string>>(); // productId → employee numbers
  const prices = new Map<string, { price: { amount: number; currency: 'NOK' }; effectiveFrom: string }>();
  const endDueAsked: string[] = [];
  const texts: { template: string; params: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    h = await harness();
    // The catalogue, agreement and identity services, as far as the run asks them. Other suites share
    // this nats-server: products and operators not ours get the harmless answers.
    const notFound = { ok: false as const, error: { code: 'NOT_FOUND', message: 'not found' } };
    subscriptions.push(
      respond(h.nc, CATALOGUE_SUBJECTS.staffContains, (d) =>
        staff.has(d.productId)
          ? { ok: true, data: { contained: staff.get(d.productId)!.has(d.employeeNumber), hasList: true } }
          : notFound,
      ),
      respond(h.nc, CATALOGUE_SUBJECTS.priceAt, (d) =>
        prices.has(d.productId) ? { ok: true, data: prices.get(d.productId) } : notFound,
      ),
      respond(h.nc, AGREEMENT_SUBJECTS.endDue, (d, operatorId) => {
        if (operatorId === h.operatorId) endDueAsked.push(d.asOf);
        return { ok: true, data: { ended: operatorId === h.operatorId ? 3 : 0 } };
      }),
      respond(h.nc, IDENTITY_SUBJECTS.notify, (d, operatorId) => {
        if (operatorId === h.operatorId) texts.push(d);
        return { ok: true, data: {} };
      }),
    );
    await h.nc.flush();
  });
  afterAll(async () => {
    for (const s of subscriptions) s.unsubscribe();
    await h.close();
  });

  const run = (asOf: Date) => runRenewals(h.deps, { operatorId: h.operatorId, asOf });
  const validTo = () => new Date(Date.UTC(2027, 1, 1) + Math.floor(Math.random() * 1e6) * 1000);

  it('charges a renewal from 72 hours before the period ends, once, with a receipt and event at asOf', async () => {
    const a = await activeAgreement(h, { validTo: validTo() });
    const dueAt = new Date(a.renewal.dueAt);
    expect((await run(new Date(dueAt.getTime() - 1))).charged).toBe(0);

    const result = await run(dueAt);
    expect(result).toMatchObject({ due: 1, charged: 1, failed: 0, ended: 3 });
    expect(endDueAsked).toContain(dueAt.toISOString());
    expect(await countsFor(h, a.agreementId)).toEqual({ pspCharges: 1, receipts: 1, events: 1 });

    const [event] = await eventsAbout(h, a.agreementId);
    expect(event).toMatchObject({
      type: 'ChargeSucceeded',
      data: { periodNumber: 2, amount: { amount: 125000 }, chargedAt: dueAt.toISOString() },
    });
    const receipt = (
      await h.db.pool.query('select body from receipts where agreement_id = $1', [a.agreementId])
    ).rows[0].body;
    expect(receipt).toMatchObject({
      kind: 'charge',
      issuedAt: dueAt.toISOString(),
      period: a.renewal.period,
      plates: ['EK12345'],
      total: { amount: 125000 },
      vat: { amount: 25000 },
      net: { amount: 100000 },
      seller: { name: 'Demo Parkering AS', organisationNumber: '999 999 999' },
    });
    expect((event.data as { receiptId: string }).receiptId).toBe(receipt.id);

    // Run again, later, and again after a redelivered event about the same renewal: nothing more.
    expect((await run(new Date(a.validTo.getTime() + HOUR))).charged).toBe(0);
    await tell(h, a, 'VehiclesChanged');
    expect((await run(new Date(a.validTo.getTime() + HOUR))).charged).toBe(0);
    expect(await countsFor(h, a.agreementId)).toEqual({ pspCharges: 1, receipts: 1, events: 1 });
  });

  it('retries a failed charge 48 hours before the end and at the end, each under a new PSP key', async () => {
    const a = await activeAgreement(h, { validTo: validTo(), token: 'tok_insufficient_funds' });
    const [dueAt, retry1, retry2] = [a.renewal.dueAt, ...a.renewal.retryAt].map((t) => new Date(t));
    expect(await run(dueAt)).toMatchObject({ due: 1, charged: 0, failed: 1 });
    await tell(h, a, 'RenewalFailed', { status: 'past_due' });
    expect((await run(new Date(retry1.getTime() - 1))).due).toBe(0);
    expect((await run(retry1)).failed).toBe(1);
    expect((await run(retry2)).failed).toBe(1);
    expect((await run(new Date(retry2.getTime() + DAY))).due).toBe(0);

    const keys = (
      await h.db.pool.query(
        'select idempotency_key from sandbox_charges where idempotency_key like $1 order by 1',
        [`${a.agreementId}:%`],
      )
    ).rows.map((r) => r.idempotency_key);
    expect(keys).toEqual([`${a.agreementId}:2`, `${a.agreementId}:2:retry-1`, `${a.agreementId}:2:retry-2`]);
    const events = await eventsAbout(h, a.agreementId);
    expect(events.map((e) => [e.type, e.data.failedAt])).toEqual([
      ['ChargeFailed', dueAt.toISOString()],
      ['ChargeFailed', retry1.toISOString()],
      ['ChargeFailed', retry2.toISOString()],
    ]);
    expect((await countsFor(h, a.agreementId)).receipts).toBe(0);
  });

  it('retries a past-due renewal at once when the card is changed, with the new card', async () => {
    const a = await activeAgreement(h, { validTo: validTo(), token: 'tok_insufficient_funds' });
    await run(new Date(a.renewal.dueAt));
    await tell(h, a, 'RenewalFailed', { status: 'past_due' });
    a.paymentMethodId = await cardFor(h, a.userId, 'tok_visa');
    const retried: Promise<unknown>[] = [];
    await tell(h, a, 'PaymentMethodChanged', { status: 'past_due' }, (operatorId, agreementId) =>
      retried.push(runRenewals(h.deps, { operatorId, agreementId, asOf: h.deps.clock.now() })),
    );
    expect(retried).toHaveLength(1);
    expect(await retried[0]).toMatchObject({ charged: 1 });
    const events = await eventsAbout(h, a.agreementId);
    expect(events.map((e) => [e.type, e.data.periodNumber])).toEqual([
      ['ChargeFailed', 2],
      ['ChargeSucceeded', 2],
    ]);
    expect((await countsFor(h, a.agreementId)).receipts).toBe(1);
  });

  it('does not renew an employee who is no longer on the staff list, and says so', async () => {
    const productId = randomUUID();
    staff.set(productId, new Set(['10001']));
    const stays = await activeAgreement(h, { validTo: validTo(), productId, employeeNumber: '10001' });
    const left = await activeAgreement(h, { validTo: validTo(), productId, employeeNumber: '10002' });
    await run(new Date(Math.max(Date.parse(stays.renewal.dueAt), Date.parse(left.renewal.dueAt))));
    expect((await countsFor(h, stays.agreementId)).receipts).toBe(1);
    expect(await countsFor(h, left.agreementId)).toEqual({ pspCharges: 0, receipts: 0, events: 0 });
    const [refused] = await eventsAbout(h, left.agreementId);
    expect(refused).toMatchObject({ type: 'RenewalRefused', data: { reason: 'not_on_staff_list' } });
    expect((await run(new Date(left.validTo.getTime() - 1))).due).toBe(0); // and it is not retried
  });

  it('charges the price in force when it changed at least 30 days before, after the agreement began', async () => {
    const productId = randomUUID();
    const a = await activeAgreement(h, { validTo: validTo(), productId, amount: 125000 });
    // b began after the new price took effect: it keeps the price it was bought at.
    const b = await activeAgreement(h, {
      validTo: new Date(a.validTo.getTime() + 20 * DAY),
      productId,
      amount: 125000,
    });
    prices.set(productId, {
      price: { amount: 140000, currency: 'NOK' },
      effectiveFrom: new Date(a.validFrom.getTime() + 10 * DAY).toISOString(),
    });
    await run(new Date(Math.max(Date.parse(a.renewal.dueAt), Date.parse(b.renewal.dueAt))));
    const amounts = await h.db.pool.query(
      'select agreement_id, amount from charges where agreement_id = any($1::uuid[])',
      [[a.agreementId, b.agreementId]],
    );
    expect(Object.fromEntries(amounts.rows.map((r) => [r.agreement_id, r.amount]))).toEqual({
      [a.agreementId]: 140000,
      [b.agreementId]: 125000,
    });
  });

  it('renews nothing after a cancellation', async () => {
    const a = await activeAgreement(h, { validTo: validTo() });
    await tell(h, a, 'AgreementCancelled', { status: 'cancelled_at_period_end', renewal: null });
    await run(new Date(a.renewal.dueAt));
    expect((await countsFor(h, a.agreementId)).pspCharges).toBe(0);
  });

  it('texts the receipt and the failed renewal through identity', async () => {
    const ok = await activeAgreement(h, { validTo: validTo() });
    const failing = await activeAgreement(h, { validTo: validTo(), token: 'tok_insufficient_funds' });
    await run(new Date(Math.max(Date.parse(ok.renewal.dueAt), Date.parse(failing.renewal.dueAt))));
    while ((await sendPendingNotifications(h.db.pool, h.deps.rpc, h.deps.logger)) > 0);
    expect(texts).toEqual(
      expect.arrayContaining([
        {
          userId: ok.userId,
          template: 'receipt',
          params: expect.objectContaining({ amount: 'kr 1 250,00' }),
        },
        {
          userId: failing.userId,
          template: 'renewal_failed',
          params: expect.objectContaining({ product: 'Ansatt måned' }),
        },
      ]),
    );
  });

  it('runs for operators only, and in production never as of a future instant (422)', async () => {
    const as = (roles: ('customer' | 'operator')[]) => ({
      operatorId: h.operatorId,
      caller: { kind: 'user' as const, userId: randomUUID(), roles },
      correlationId: 't',
    });
    const future = new Date(h.deps.clock.now().getTime() + DAY).toISOString();
    await expect(runRenewalsRequest(h.deps, { asOf: future }, as(['customer']))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const production = {
      ...h.deps,
      config: parseConfig(configSchema, { DATABASE_URL: h.db.url, NODE_ENV: 'production' }),
    };
    await expect(runRenewalsRequest(production, { asOf: future }, as(['operator']))).rejects.toMatchObject({
      code: 'RULE_VIOLATED',
      fields: [{ path: 'asOf', message: 'may not be in the future' }],
    });
    await expect(runRenewalsRequest(h.deps, { asOf: 'tomorrow' }, as(['operator']))).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    expect(await runRenewalsRequest(h.deps, { asOf: future }, as(['operator']))).toMatchObject({ ended: 3 });
  });

  it('tells the owner of a card that expires before the next renewal, 30 days ahead, once', async () => {
    const a = await activeAgreement(h, { validTo: new Date('2031-06-20T22:00:00Z') });
    await h.db.pool.query('update payment_methods set exp_month = 4, exp_year = 2031 where id = $1', [
      a.paymentMethodId,
    ]);
    const dueAt = new Date(a.renewal.dueAt);
    await run(new Date(dueAt.getTime() - 31 * DAY));
    await run(new Date(dueAt.getTime() - 29 * DAY));
    await run(new Date(dueAt.getTime() - 28 * DAY));
    const warned = await h.db.pool.query(
      `select params from notifications where user_id = $1 and template = 'card_expiring'`,
      [a.userId],
    );
    expect(warned.rows).toEqual([{ params: expect.objectContaining({ product: 'Ansatt måned' }) }]);
  });
});
