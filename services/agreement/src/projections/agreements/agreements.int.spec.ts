// The agreement's read model, the purchase waiter and the reaction to charges, against a real database.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  eventStoreMigrations,
  EventSubscription,
  handleCommand,
  PostgresEventStore,
  runMigrations,
} from '@parking/event-store';
import { messagingMigrations, type ConsumedEvent } from '@parking/messaging';
import { fixedClock } from '@parking/platform';
import { testDatabase, type TestDatabase } from '@parking/testing';
import { evolve, initialState, type AgreementEvent } from '../../domain/agreement.js';
import { decide, type RequestPurchase } from '../../domain/decide.js';
import type { Deps } from '../../deps.js';
import { migrations } from '../../migrations/index.js';
import { chargeSettledReaction } from '../../reactions/charge-settled/charge-settled.reaction.js';
import { agreementsProjection, STREAM_PREFIX } from './agreements.projection.js';
import { readAgreementView } from './agreements.queries.js';
import { AgreementWaiters } from './waiters.js';

const OPERATOR = '00000000-0000-4000-8000-000000000001';
const now = new Date('2027-01-15T09:00:00Z');

describe('agreements read model, waiting for the first charge, and charge reactions', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await testDatabase('agr');
    await runMigrations(db.pool, [...eventStoreMigrations, ...messagingMigrations, ...migrations]);
    store = new PostgresEventStore(db.pool);
  });
  afterAll(() => db.drop());

  async function requestPurchase(): Promise<string> {
    const agreementId = randomUUID();
    const command: RequestPurchase = {
      type: 'RequestPurchase',
      agreementId,
      userId: 'u-1',
      product: {
        id: 'p-day',
        name: 'Døgnparkering',
        locationId: 'l',
        timeZone: 'Europe/Oslo',
        zones: [{ id: 'z', name: 'P1' }],
        price: { amount: 15000, currency: 'NOK' },
        vatRate: 25,
        period: { unit: 'day', count: 1 },
        autoRenew: false,
        maxVehicles: 1,
        startPolicy: 'at_purchase',
        requiresEmployeeNumber: false,
        termsId: 't',
        onSale: true,
      },
      vehicles: [{ plate: 'EK12345', country: 'NO' }],
      acceptedTermsId: 't',
      paymentMethod: { id: 'pm', usable: true },
      employeeOnStaffList: null,
      employeeHoldsAgreement: false,
      now,
    };
    await handleCommand(store, `${STREAM_PREFIX}${agreementId}`, {
      initialState,
      evolve: (s, e) => evolve(s, e as unknown as AgreementEvent),
      decide: (s) => decide(command, s).map((e) => ({ ...e, metadata: { operatorId: OPERATOR } })),
    });
    return agreementId;
  }

  function chargeEvent(agreementId: string, subject: string, operatorId = OPERATOR): ConsumedEvent {
    return {
      eventId: randomUUID(),
      type: subject.split('.').pop()!,
      subject,
      streamId: `charge-${agreementId}-1`,
      streamVersion: 1,
      schemaVersion: 1,
      operatorId,
      data: {
        chargeId: randomUUID(),
        agreementId,
        periodNumber: 1,
        amount: { amount: 15000, currency: 'NOK' },
        reason: 'declined',
      },
      deliveryCount: 1,
      streamSequence: 1,
    };
  }

  /** Runs the projection until the agreement's view has `status` (other suites' transactions may hold it back). */
  async function catchUp(projection: EventSubscription, agreementId: string, status: string) {
    const deadline = Date.now() + 20_000;
    while ((await readAgreementView(db.pool, agreementId))?.status !== status && Date.now() < deadline) {
      if (!(await projection.step())?.handled) await new Promise((r) => setTimeout(r, 20));
    }
  }

  function depsWith(waiters: AgreementWaiters): Deps {
    return { store, clock: fixedClock(now), pool: db.pool, waiters } as unknown as Deps;
  }

  it('activates on the first charge, once, and wakes the waiting purchase', async () => {
    const waiters = new AgreementWaiters();
    const projection = new EventSubscription({
      pool: db.pool,
      subscriptionId: 'rm-1',
      handle: agreementsProjection(waiters),
    });
    const agreementId = await requestPurchase();
    await catchUp(projection, agreementId, 'pending_payment');
    expect((await readAgreementView(db.pool, agreementId))?.status).toBe('pending_payment');

    const waiting = waiters.waitForSettled(agreementId, 25_000);
    const react = chargeSettledReaction(depsWith(waiters));
    const charged = chargeEvent(agreementId, 'parking.payment.ChargeSucceeded');
    await react(charged);
    await react({ ...charged, deliveryCount: 2 });
    await catchUp(projection, agreementId, 'active');
    expect((await waiting)?.status).toBe('active');
    const events = await store.readStream(`${STREAM_PREFIX}${agreementId}`);
    expect(events.map((e) => e.type)).toEqual(['AgreementRequested', 'AgreementActivated']);
    expect((await readAgreementView(db.pool, agreementId))?.status).toBe('active');
  });

  it('fails the purchase when the first charge fails', async () => {
    const agreementId = await requestPurchase();
    await chargeSettledReaction(depsWith(new AgreementWaiters()))(
      chargeEvent(agreementId, 'parking.payment.ChargeFailed'),
    );
    const events = await store.readStream(`${STREAM_PREFIX}${agreementId}`);
    expect(events.map((e) => e.type)).toEqual(['AgreementRequested', 'AgreementPurchaseFailed']);
  });

  it("ignores a charge of another operator's agreement", async () => {
    const agreementId = await requestPurchase();
    await chargeSettledReaction(depsWith(new AgreementWaiters()))(
      chargeEvent(agreementId, 'parking.payment.ChargeSucceeded', '00000000-0000-4000-8000-000000000002'),
    );
    expect(await store.readStream(`${STREAM_PREFIX}${agreementId}`)).toHaveLength(1);
  });

  it('lets a replica that does not run the projection see the agreement settle, by polling the read model', async () => {
    const projectingReplica = new AgreementWaiters();
    const otherReplica = new AgreementWaiters((id) => readAgreementView(db.pool, id), 50);
    const projection = new EventSubscription({
      pool: db.pool,
      subscriptionId: 'rm-2',
      handle: agreementsProjection(projectingReplica),
    });
    const agreementId = await requestPurchase();
    await catchUp(projection, agreementId, 'pending_payment');
    const waiting = otherReplica.waitForSettled(agreementId, 25_000);
    await chargeSettledReaction(depsWith(projectingReplica))(
      chargeEvent(agreementId, 'parking.payment.ChargeSucceeded'),
    );
    await catchUp(projection, agreementId, 'active');
    expect((await waiting)?.status).toBe('active');
  });
});
