// A period is never charged twice and never gets two receipts, whatever redeliveries or concurrent
// deliveries happen; receipts are numbered without gaps per operator.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '@parking/contracts';
import type { AgreementRequested } from '@parking/contracts/agreement';
import type { Operator } from '@parking/contracts/identity';
import { eventStoreMigrations, PostgresEventStore, runMigrations } from '@parking/event-store';
import { messagingMigrations, RpcClient, type ConsumedEvent } from '@parking/messaging';
import { createLogger, fixedClock, HealthRegistry, parseConfig } from '@parking/platform';
import { testDatabase, testNatsConnection, type TestDatabase } from '@parking/testing';
import type pg from 'pg';
import { configSchema } from '../../config.js';
import type { Deps } from '../../deps.js';
import { migrations } from '../../migrations/index.js';
import { OperatorDirectory } from '../../operators/operator-directory.js';
import { addPaymentMethod, listPaymentMethods } from '../../projections/payment-methods/payment-methods.js';
import { SandboxPsp } from '../../psp/sandbox-psp.js';
import { chargeFirstPeriodReaction } from './charge-first-period.reaction.js';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const seller = (id: string, name: string): Operator => ({
  id,
  slug: name.toLowerCase(),
  name,
  organisationNumber: '999 999 999',
  address: 'Storgata 1',
  hosts: [],
  smsSender: 'Park',
  psp: { provider: 'sandbox', account: 'sandbox' },
  sanction: { amount: { amount: 60000, currency: 'NOK' }, dueDays: 21 },
});

describe('charging the first period', () => {
  let db: TestDatabase;
  let nc: NatsConnection;
  let deps: Deps;

  beforeAll(async () => {
    db = await testDatabase('pay');
    await runMigrations(db.pool, [...eventStoreMigrations, ...messagingMigrations, ...migrations]);
    nc = await testNatsConnection();
    deps = {
      config: parseConfig(configSchema, { DATABASE_URL: db.url }),
      logger: createLogger({ name: 'payment-test', level: 'silent' }),
      pool: db.pool,
      store: new PostgresEventStore(db.pool),
      rpc: new RpcClient(nc),
      clock: fixedClock(new Date('2027-01-15T09:00:00Z')),
      nc,
      health: new HealthRegistry(),
      psp: new SandboxPsp(db.pool),
      // The operators' seller details, as identity would list them.
      operators: new OperatorDirectory(async () => ({
        items: [seller(A, 'Demo Parkering AS'), seller(B, 'Fjord Parkering AS')],
        defaultOperatorId: A,
      })),
    };
  });
  afterAll(async () => {
    await nc.close();
    await db.drop();
  });

  const customer = (operatorId: string, userId: string): RequestContext => ({
    operatorId,
    caller: { kind: 'user', userId, roles: ['customer'] },
    correlationId: 't',
  });

  async function requested(operatorId: string, token = 'tok_visa'): Promise<ConsumedEvent> {
    const userId = randomUUID();
    const card = await addPaymentMethod(deps, { token }, customer(operatorId, userId));
    const agreementId = randomUUID();
    const data: AgreementRequested = {
      agreementId,
      userId,
      productId: randomUUID(),
      productName: 'Ansatt måned',
      paymentMethodId: card.id,
      amount: { amount: 125000, currency: 'NOK' },
      vatRate: 25,
      periodNumber: 1,
      period: { from: '2027-01-31T23:00:00.000Z', to: '2027-02-28T23:00:00.000Z' },
      snapshot: {
        agreementId,
        status: 'pending_payment',
        vehicles: [{ plate: 'EK12345', country: 'NO' }],
        zoneIds: ['z'],
        validFrom: '2027-01-31T23:00:00.000Z',
        validTo: '2027-02-28T23:00:00.000Z',
      },
    };
    return {
      eventId: randomUUID(),
      type: 'AgreementRequested',
      subject: 'parking.agreement.AgreementRequested',
      streamId: `agreement-${agreementId}`,
      streamVersion: 1,
      schemaVersion: 1,
      operatorId,
      data,
      deliveryCount: 1,
      streamSequence: 1,
    };
  }

  async function deliver(event: ConsumedEvent): Promise<void> {
    const tx: pg.PoolClient = await db.pool.connect();
    try {
      await tx.query('begin');
      await chargeFirstPeriodReaction(deps)(event, tx);
      await tx.query('commit');
    } catch (err) {
      await tx.query('rollback');
      throw err;
    } finally {
      tx.release();
    }
  }

  async function countsFor(agreementId: string) {
    const q = async (sql: string, args: unknown[]) => (await db.pool.query(sql, args)).rows[0].n as number;
    return {
      pspCharges: await q('select count(*)::int as n from sandbox_charges where idempotency_key like $1', [
        `${agreementId}:%`,
      ]),
      charges: await q('select count(*)::int as n from charges where agreement_id = $1', [agreementId]),
      receipts: await q('select count(*)::int as n from receipts where agreement_id = $1', [agreementId]),
      events: (await deps.store.readStream(`charge-${agreementId}-1`)).length,
    };
  }

  it('charges once, with one receipt and one event, when the event is delivered again', async () => {
    const event = await requested(A);
    const agreementId = (event.data as AgreementRequested).agreementId;
    await deliver(event);
    await deliver({ ...event, deliveryCount: 2 });
    expect(await countsFor(agreementId)).toEqual({ pspCharges: 1, charges: 1, receipts: 1, events: 1 });
    const [recorded] = await deps.store.readStream(`charge-${agreementId}-1`);
    expect(recorded.type).toBe('ChargeSucceeded');
  });

  it('charges once when two deliveries of the event run at the same time', async () => {
    const event = await requested(A);
    const agreementId = (event.data as AgreementRequested).agreementId;
    await Promise.allSettled([deliver(event), deliver({ ...event, deliveryCount: 2 })]);
    await deliver({ ...event, deliveryCount: 3 }); // whichever lost, the redelivery settles it
    expect(await countsFor(agreementId)).toEqual({ pspCharges: 1, charges: 1, receipts: 1, events: 1 });
  });

  it('records a failed charge without a receipt when the card cannot pay', async () => {
    const event = await requested(A, 'tok_insufficient_funds');
    const agreementId = (event.data as AgreementRequested).agreementId;
    await deliver(event);
    expect(await countsFor(agreementId)).toEqual({ pspCharges: 1, charges: 1, receipts: 0, events: 1 });
    const [recorded] = await deps.store.readStream(`charge-${agreementId}-1`);
    expect(recorded).toMatchObject({ type: 'ChargeFailed', data: { reason: 'insufficient_funds' } });
  });

  it('numbers receipts without gaps per operator, with the operator as seller and VAT that adds up', async () => {
    const before = (
      await db.pool.query('select coalesce(max(number), 0)::int as n from receipts where operator_id = $1', [
        A,
      ])
    ).rows[0].n as number;
    for (let i = 0; i < 3; i++) await deliver(await requested(A));
    await deliver(await requested(B));
    const a = await db.pool.query(
      'select number, body from receipts where operator_id = $1 order by number',
      [A],
    );
    expect(a.rows.map((r) => Number(r.number))).toEqual(Array.from({ length: before + 3 }, (_, i) => i + 1));
    const b = await db.pool.query('select number, body from receipts where operator_id = $1', [B]);
    expect(b.rows.map((r) => Number(r.number))).toEqual([1]);
    const receipt = b.rows[0].body;
    expect(receipt.seller.name).toBe('Fjord Parkering AS');
    expect(receipt.vat.amount + receipt.net.amount).toBe(receipt.total.amount);
    expect(receipt.vat.amount).toBe(25000);
  });

  it("keeps a customer's cards with one operator invisible through another", async () => {
    const userId = randomUUID();
    await addPaymentMethod(deps, { token: 'tok_visa' }, customer(A, userId));
    expect((await listPaymentMethods(deps, customer(A, userId))).items).toHaveLength(1);
    expect((await listPaymentMethods(deps, customer(B, userId))).items).toEqual([]);
  });

  it('stores nothing for a card declined when added', async () => {
    const userId = randomUUID();
    await expect(
      addPaymentMethod(deps, { token: 'tok_declined' }, customer(A, userId)),
    ).rejects.toMatchObject({
      code: 'PAYMENT_DECLINED',
    });
    expect((await listPaymentMethods(deps, customer(A, userId))).items).toEqual([]);
  });
});
