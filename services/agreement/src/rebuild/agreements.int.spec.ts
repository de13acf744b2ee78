// The agreements read model rebuilt beside the live one while the service goes on: the result equals
// the fold of every event (a row damaged by hand comes back right), purchases made during the rebuild
// are in it, readers never fail, and the live subscription carries on in the new table.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  eventStoreMigrations,
  EventSubscription,
  handleCommand,
  PostgresEventStore,
  runMigrations,
} from '@parking/event-store';
import { messagingMigrations } from '@parking/messaging';
import { testDatabase, type TestDatabase } from '@parking/testing';
import { evolve, initialState, type AgreementEvent } from '../domain/agreement.js';
import { decide, type RequestPurchase } from '../domain/decide.js';
import { migrations } from '../migrations/index.js';
import { agreementsProjection, STREAM_PREFIX } from '../projections/agreements/agreements.projection.js';
import { AgreementWaiters } from '../projections/agreements/waiters.js';
import { AGREEMENTS_SUBSCRIPTION, rebuildAgreements } from './agreements.js';
import type { RebuildProgress } from './beside.js';

const OPERATOR = '00000000-0000-4000-8000-000000000001';
const now = new Date('2027-01-15T09:00:00Z');

describe('rebuilding the agreements read model', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let live: EventSubscription;

  beforeAll(async () => {
    db = await testDatabase('agr_rebuild');
    await runMigrations(db.pool, [...eventStoreMigrations, ...messagingMigrations, ...migrations]);
    store = new PostgresEventStore(db.pool);
    live = new EventSubscription({
      pool: db.pool,
      subscriptionId: AGREEMENTS_SUBSCRIPTION,
      handle: agreementsProjection(new AgreementWaiters()),
      pollIntervalMs: 50,
    });
    await live.start();
  });
  afterAll(async () => {
    await live?.stop();
    await db.drop();
  });

  async function purchase(plate: string): Promise<string> {
    const agreementId = randomUUID();
    const command: RequestPurchase = {
      type: 'RequestPurchase',
      agreementId,
      userId: `u-${plate}`,
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
      vehicles: [{ plate, country: 'NO' }],
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

  const rows = async () =>
    (await db.pool.query('select * from agreements order by id')).rows.map((r) => ({ ...r }));
  async function liveCaughtUp(count: number) {
    const deadline = Date.now() + 20_000;
    while ((await rows()).length < count && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(await rows()).toHaveLength(count);
  }

  it('builds beside, switches and drops, equal to the live model and without stopping readers', async () => {
    const before: string[] = [];
    for (let i = 0; i < 40; i++) before.push(await purchase(`RB${String(i).padStart(5, '0')}`));
    await liveCaughtUp(40);
    const expected = await rows();
    const indexesBefore = (
      await db.pool.query(`select indexname from pg_indexes where tablename = 'agreements' order by 1`)
    ).rows;
    // A read model damaged by hand: the rebuild takes the events' word for it.
    await db.pool.query(`update agreements set status = 'damaged' where id = $1`, [before[0]]);

    let reading = true;
    let reads = 0;
    const readers = (async () => {
      while (reading) {
        await db.pool.query('select count(*) from agreements');
        reads++;
      }
    })();
    let writing = true;
    const during: string[] = [];
    const writer = (async () => {
      while (writing) during.push(await purchase(`RD${String(during.length).padStart(5, '0')}`));
    })();

    const progress: RebuildProgress[] = [];
    const result = await rebuildAgreements(db.pool, (p) => progress.push(p));
    writing = false;
    await writer;
    reading = false;
    await readers;

    expect(result.phase).toBe('done');
    expect(result.handled).toBeGreaterThanOrEqual(40);
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['replay', 'switch', 'done']));
    expect(reads).toBeGreaterThan(0);
    expect(during.length).toBeGreaterThan(0);

    // The live subscription goes on in the new table: what was bought during and after the rebuild is there.
    const after = await purchase('RA00001');
    await liveCaughtUp(40 + during.length + 1);
    const rebuilt = await rows();
    expect(rebuilt.filter((r) => before.includes(r.id))).toEqual(expected);
    for (const id of [...during, after])
      expect(rebuilt.find((r) => r.id === id)).toMatchObject({ status: 'pending_payment' });

    expect(
      (await db.pool.query(`select indexname from pg_indexes where tablename = 'agreements' order by 1`))
        .rows,
    ).toEqual(indexesBefore);
    const { rows: leftovers } = await db.pool.query(
      `select nspname from pg_namespace where nspname like 'rebuild\\_%' or nspname like 'retired\\_%'`,
    );
    expect(leftovers).toEqual([]);
    const { rows: checkpoints } = await db.pool.query('select subscription_id from es.checkpoints');
    expect(checkpoints.map((c) => c.subscription_id)).toEqual([AGREEMENTS_SUBSCRIPTION]);
  }, 60_000);
});
