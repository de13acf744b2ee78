// The agreement's word before payment charges (issue 13), against the real database: answered from
// the stream at that moment, so a cancel recorded before the question means no charge, and a charge
// that succeeds after a cancel is refused (ChargeRejected, refunded by payment) without moving validity.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '@parking/contracts';
import { eventStoreMigrations, PostgresEventStore, runMigrations } from '@parking/event-store';
import { messagingMigrations, RpcClient, type ConsumedEvent } from '@parking/messaging';
import { createLogger, fixedClock } from '@parking/platform';
import { testDatabase, testNatsConnection, type TestDatabase } from '@parking/testing';
import { evolve, initialState, type AgreementEvent, type ProductTerms } from '../../domain/agreement.js';
import { decide } from '../../domain/decide.js';
import type { Deps } from '../../deps.js';
import { migrations } from '../../migrations/index.js';
import { AgreementWaiters } from '../../projections/agreements/waiters.js';
import { STREAM_PREFIX } from '../../projections/agreements/agreements.projection.js';
import { chargeSettledReaction } from '../../reactions/charge-settled/charge-settled.reaction.js';
import { runAgreementCommand } from '../run-command.js';
import { chargeDecisions } from './charge-decisions.js';

const OPERATOR = '00000000-0000-4000-8000-0000000000c1';
const OTHER = '00000000-0000-4000-8000-0000000000c2';
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

describe('charge decisions', () => {
  let db: TestDatabase;
  let nc: NatsConnection;
  let deps: Deps;
  const system = (operatorId = OPERATOR): RequestContext => ({
    operatorId,
    caller: { kind: 'system', service: 'payment-renewal' },
    correlationId: 'run',
  });
  const customer = (userId: string): RequestContext => ({
    operatorId: OPERATOR,
    caller: { kind: 'user', userId, roles: ['customer'] },
    correlationId: 'c',
  });

  beforeAll(async () => {
    db = await testDatabase('agr_money');
    await runMigrations(db.pool, [...eventStoreMigrations, ...messagingMigrations, ...migrations]);
    nc = await testNatsConnection();
    deps = {
      config: {} as Deps['config'],
      logger: createLogger({ name: 'agreement-test', level: 'silent' }),
      pool: db.pool,
      store: new PostgresEventStore(db.pool),
      rpc: new RpcClient(nc, { defaultTimeoutMs: 500 }),
      clock: fixedClock(new Date('2027-02-24T10:00:00Z')),
      nc,
      health: null as never,
      waiters: new AgreementWaiters(),
    };
  });
  afterAll(async () => {
    await nc.close();
    await db.drop();
  });

  async function activeAgreement(userId: string): Promise<string> {
    const agreementId = randomUUID();
    const requested = decide(
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
        now: new Date('2027-01-20T09:00:00Z'),
      },
      initialState(),
    );
    const state = requested.reduce(evolve, initialState());
    const events = [
      ...requested,
      ...decide({ type: 'ActivateAgreement', chargeId: 'c-1', now: new Date('2027-01-20T09:00:00Z') }, state),
    ];
    await deps.store.append(
      `${STREAM_PREFIX}${agreementId}`,
      events.map((e) => ({ ...e, metadata: { operatorId: OPERATOR } })),
      { expectedVersion: 'no_stream', streamType: 'agreement' },
    );
    return agreementId;
  }

  const ask = (ids: string[], ctx = system()) =>
    chargeDecisions(deps, { items: ids.map((agreementId) => ({ agreementId, periodNumber: 2 })) }, ctx);

  const chargeSucceeded = (agreementId: string): ConsumedEvent => ({
    eventId: randomUUID(),
    type: 'ChargeSucceeded',
    subject: 'parking.payment.ChargeSucceeded',
    streamId: `charge-${agreementId}-2`,
    streamVersion: 1,
    schemaVersion: 1,
    operatorId: OPERATOR,
    data: {
      chargeId: `c-2-${agreementId}`,
      agreementId,
      periodNumber: 2,
      amount: { amount: 250000, currency: 'NOK' },
      receiptId: 'r',
      chargedAt: '2027-02-24T10:00:00.000Z',
    },
    deliveryCount: 1,
    streamSequence: 1,
  });
  const stateOf = async (id: string) =>
    (await deps.store.readStream(`${STREAM_PREFIX}${id}`)).reduce(
      (s, e) => evolve(s, { type: e.type, data: e.data } as AgreementEvent),
      initialState(),
    );

  it("answers from the agreement's stream: the next period of a live agreement; nothing for another operator's", async () => {
    const a = await activeAgreement('u-1');
    expect((await ask([a])).items).toEqual([{ agreementId: a, periodNumber: 2, charge: true }]);
    expect((await ask([a], system(OTHER))).items[0]).toMatchObject({ charge: false, reason: 'not_found' });
    expect((await ask(['not-a-uuid'])).items[0]).toMatchObject({ charge: false, reason: 'not_found' });
    await expect(ask([a], customer('u-1'))).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('never says yes once a cancel is recorded, and refuses a charge that succeeded after the cancel', async () => {
    const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => activeAgreement(`u-race-${i}`)));
    // The cancel and the question sent at the same moment, for each agreement.
    const raced = await Promise.all(
      ids.map(async (id, i) => {
        const [decision] = await Promise.all([
          ask([id]),
          runAgreementCommand(deps, customer(`u-race-${i}`), id, () => ({
            type: 'Cancel',
            userId: `u-race-${i}`,
            now: deps.clock.now(),
          })),
        ]);
        return decision.items[0].charge;
      }),
    );
    expect(raced).toHaveLength(8);
    // Once the cancel is recorded: no.
    expect((await ask(ids)).items.every((d) => !d.charge && d.reason === 'cancelled_at_period_end')).toBe(
      true,
    );
    // Whatever the PSP did for a "yes" given before the cancel, the agreement refuses that money.
    for (const id of ids) {
      const before = await stateOf(id);
      await chargeSettledReaction(deps)(chargeSucceeded(id));
      const types = (await deps.store.readStream(`${STREAM_PREFIX}${id}`)).map((e) => e.type);
      expect(types.slice(-2)).toEqual(['AgreementCancelled', 'ChargeRejected']);
      expect(await stateOf(id)).toMatchObject({
        status: 'cancelled_at_period_end',
        validTo: (before as { validTo: string }).validTo,
      });
      await chargeSettledReaction(deps)(chargeSucceeded(id)); // delivered again: refused once
      expect(
        (await deps.store.readStream(`${STREAM_PREFIX}${id}`)).filter((e) => e.type === 'ChargeRejected'),
      ).toHaveLength(1);
    }
  });
});
