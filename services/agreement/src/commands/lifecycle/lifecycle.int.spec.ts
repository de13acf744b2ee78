// The agreement after its purchase against the real database: renewals and failed renewals from
// payment-renewal's charges (a redelivery changes nothing), cancel, and the renewal run's end of what
// is over — once, however often it runs — with the operator and owner checks.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '@parking/contracts';
import {
  eventStoreMigrations,
  EventSubscription,
  PostgresEventStore,
  runMigrations,
} from '@parking/event-store';
import { PAYMENT_SUBJECTS } from '@parking/contracts/payment';
import { messagingMigrations, RpcClient, type ConsumedEvent } from '@parking/messaging';
import { createLogger, fixedClock } from '@parking/platform';
import { testDatabase, testNatsConnection, type TestDatabase } from '@parking/testing';
import type { ProductTerms } from '../../domain/agreement.js';
import { decide } from '../../domain/decide.js';
import type { Deps } from '../../deps.js';
import { migrations } from '../../migrations/index.js';
import { agreementsProjection, STREAM_PREFIX } from '../../projections/agreements/agreements.projection.js';
import { readAgreementView } from '../../projections/agreements/agreements.queries.js';
import { AgreementWaiters } from '../../projections/agreements/waiters.js';
import { chargeSettledReaction } from '../../reactions/charge-settled/charge-settled.reaction.js';
import { cancel, endDue } from './lifecycle.js';

const OPERATOR = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';
const monthly: ProductTerms & { onSale: boolean } = {
  id: 'p-month',
  name: 'Månedskort',
  locationId: 'loc',
  timeZone: 'Europe/Oslo',
  zones: [{ id: 'z', name: 'G1' }],
  price: { amount: 250000, currency: 'NOK' },
  vatRate: 25,
  period: { unit: 'month', count: 1 },
  autoRenew: true,
  maxVehicles: 1,
  startPolicy: 'chosen',
  requiresEmployeeNumber: false,
  termsId: 't',
  onSale: true,
};
const bought = new Date('2027-01-10T09:00:00Z');
const settledLate = new Map<
  string,
  { chargeId: string; amount: { amount: number; currency: 'NOK' }; chargedAt: string }
>();

describe('the agreement after its purchase', () => {
  let db: TestDatabase;
  let nc: NatsConnection;
  let deps: Deps;
  let projection: EventSubscription;
  const customer = (userId: string, operatorId = OPERATOR): RequestContext => ({
    operatorId,
    caller: { kind: 'user', userId, roles: ['customer'] },
    correlationId: 'test',
  });
  const system: RequestContext = {
    operatorId: OPERATOR,
    caller: { kind: 'system', service: 'test' },
    correlationId: 'run',
  };

  beforeAll(async () => {
    db = await testDatabase('agr_life');
    await runMigrations(db.pool, [...eventStoreMigrations, ...messagingMigrations, ...migrations]);
    nc = await testNatsConnection();
    const waiters = new AgreementWaiters();
    deps = {
      config: {} as Deps['config'],
      logger: createLogger({ name: 'agreement-test', level: 'silent' }),
      pool: db.pool,
      store: new PostgresEventStore(db.pool),
      rpc: new RpcClient(nc, { defaultTimeoutMs: 500 }),
      clock: fixedClock(new Date('2027-01-20T10:00:00Z')),
      nc,
      health: null as never,
      waiters,
    };
    // Payment-renewal's answer to "was the next period paid?": the charges these tests make exist only
    // as events, so it finds none — unless a test says otherwise.
    nc.subscribe(PAYMENT_SUBJECTS.settledCharge, {
      callback: (_err, msg) => {
        const { id, data } = msg.json<{ id: string; data: { agreementId: string } }>();
        const charge = settledLate.get(data.agreementId) ?? null;
        msg.respond(JSON.stringify({ id, response: { ok: true, data: { charge } }, isDisposed: true }));
      },
    });
    projection = new EventSubscription({
      pool: db.pool,
      subscriptionId: 'rm',
      handle: agreementsProjection(waiters),
    });
  });
  afterAll(async () => {
    await projection.stop();
    await nc.close();
    await db.drop();
  });

  async function catchUp() {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const r = await projection.step();
      if (r && r.handled === 0 && !r.pending) return;
      if (Date.now() > deadline) throw new Error('the read model did not catch up');
      if (!r?.handled) await new Promise((res) => setTimeout(res, 20));
    }
  }

  async function activeAgreement(userId: string): Promise<string> {
    const agreementId = randomUUID();
    const events = decide(
      {
        type: 'RequestPurchase',
        agreementId,
        userId,
        product: monthly,
        vehicles: [{ plate: 'EK12345', country: 'NO' }],
        startDate: '2027-01-31',
        acceptedTermsId: 't',
        paymentMethod: { id: 'pm', usable: true },
        employeeOnStaffList: null,
        employeeHoldsAgreement: false,
        now: bought,
      },
      { status: 'none' },
    );
    await deps.store.append(
      `${STREAM_PREFIX}${agreementId}`,
      events.map((e) => ({ ...e, metadata: { operatorId: OPERATOR } })),
      { expectedVersion: 'no_stream', streamType: 'agreement' },
    );
    await charge(agreementId, 1, 'ChargeSucceeded');
    return agreementId;
  }

  function charge(
    agreementId: string,
    periodNumber: number,
    outcome: 'ChargeSucceeded' | 'ChargeFailed',
    at = '2027-02-25T00:00:00.000Z',
  ) {
    const event: ConsumedEvent = {
      eventId: randomUUID(),
      type: outcome,
      subject: `parking.payment.${outcome}`,
      streamId: `charge-${agreementId}-${periodNumber}`,
      streamVersion: 1,
      schemaVersion: 1,
      operatorId: OPERATOR,
      data: {
        chargeId: `c-${periodNumber}`,
        agreementId,
        periodNumber,
        amount: { amount: 250000, currency: 'NOK' },
        reason: 'insufficient_funds',
        chargedAt: at,
        failedAt: at,
        receiptId: 'r',
      },
      deliveryCount: 1,
      streamSequence: 1,
    };
    return chargeSettledReaction(deps)(event);
  }

  const typesOf = async (id: string) =>
    (await deps.store.readStream(`${STREAM_PREFIX}${id}`)).map((e) => e.type);

  it('renews from a charge of the next period once, and goes past due and back on a failed one', async () => {
    const id = await activeAgreement('u-1');
    await charge(id, 2, 'ChargeFailed');
    await catchUp();
    expect(await readAgreementView(db.pool, id)).toMatchObject({
      status: 'past_due',
      validTo: '2027-02-27T23:00:00.000Z',
    });
    await charge(id, 2, 'ChargeSucceeded');
    await charge(id, 2, 'ChargeSucceeded'); // redelivered
    await catchUp();
    expect(await readAgreementView(db.pool, id)).toMatchObject({
      status: 'active',
      validTo: '2027-03-30T22:00:00.000Z',
    });
    expect(await typesOf(id)).toEqual([
      'AgreementRequested',
      'AgreementActivated',
      'RenewalFailed',
      'AgreementRenewed',
    ]);
  });

  it("cancels only the customer's own agreement at its own operator", async () => {
    const id = await activeAgreement('u-2');
    await expect(cancel(deps, { agreementId: id }, customer('u-3'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(cancel(deps, { agreementId: id }, customer('u-2', OTHER))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const view = await cancel(deps, { agreementId: id }, customer('u-2'));
    expect(view).toMatchObject({ status: 'cancelled_at_period_end', endsAt: '2027-02-27T23:00:00.000Z' });
  });

  it('ends at the run what is over, once, and leaves the rest', async () => {
    const cancelled = await activeAgreement('u-4');
    await cancel(deps, { agreementId: cancelled }, customer('u-4'));
    const unpaid = await activeAgreement('u-5');
    await charge(unpaid, 2, 'ChargeFailed');
    const renewed = await activeAgreement('u-6');
    await charge(renewed, 2, 'ChargeSucceeded');
    // Paid by the run's last retry at the period end; the charge's event has not arrived yet.
    const paidLate = await activeAgreement('u-7');
    await charge(paidLate, 2, 'ChargeFailed');
    settledLate.set(paidLate, {
      chargeId: 'c-late',
      amount: { amount: 250000, currency: 'NOK' },
      chargedAt: '2027-02-27T23:00:00.000Z',
    });
    await catchUp();

    expect(await endDue(deps, { asOf: '2027-02-27T22:59:59.000Z' }, system)).toEqual({ ended: 0 });
    const run = await endDue(deps, { asOf: '2027-02-27T23:00:00.000Z' }, system);
    expect(run.ended).toBeGreaterThanOrEqual(2);
    await catchUp();
    expect((await readAgreementView(db.pool, cancelled))?.status).toBe('ended');
    expect((await readAgreementView(db.pool, unpaid))?.status).toBe('ended');
    expect((await readAgreementView(db.pool, renewed))?.status).toBe('active');
    expect(await readAgreementView(db.pool, paidLate)).toMatchObject({
      status: 'active',
      validTo: '2027-03-30T22:00:00.000Z',
    });
    expect((await deps.store.readStream(`${STREAM_PREFIX}${unpaid}`)).at(-1)?.data).toMatchObject({
      reason: 'unpaid',
      endedAt: '2027-02-27T23:00:00.000Z',
    });
    expect(await endDue(deps, { asOf: '2027-02-28T00:00:00.000Z' }, system)).toEqual({ ended: 0 });
    await expect(endDue(deps, { asOf: 'tomorrow' }, system)).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(endDue(deps, { asOf: '2027-03-01T00:00:00Z' }, customer('u-4'))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});
