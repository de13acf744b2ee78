// What the catalogue tells other contexts, and what it learns from them, against a real database and
// nats-server: the integration messages of each change (the price change with the instant renewal
// charges start using it; a staff list as count and hash only), and `soldOut` kept from agreement
// events consumed from JetStream, versions applied in order whatever order they arrive in.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { DEMO_OPERATORS, HEADERS, type RequestContext } from '@parking/contracts';
import {
  CATALOGUE_EVENTS,
  type ProductPriceChanged,
  type StaffListReplaced,
} from '@parking/contracts/catalogue';
import {
  eventStoreMigrations,
  PostgresEventStore,
  runMigrations,
  type RecordedEvent,
} from '@parking/event-store';
import { DurableConsumer, messagingMigrations } from '@parking/messaging';
import { fixedClock } from '@parking/platform';
import { testDatabase, testNatsConnection, uniqueName, type TestDatabase } from '@parking/testing';
import { addZone } from '../commands/adding-zones/add-zone.js';
import { changeProduct } from '../commands/changing-products/change-product.js';
import { createCity } from '../commands/creating-cities/create-city.js';
import { createLocation } from '../commands/creating-locations/create-location.js';
import { createProduct } from '../commands/defining-products/create-product.js';
import { publishTerms } from '../commands/publishing-terms/publish-terms.js';
import { replaceStaffList, stageStaffList } from '../commands/replacing-staff-lists/replace-staff-list.js';
import type { CommandDeps } from '../deps.js';
import { migrations } from '../migrations/index.js';
import { applyAgreementEvent } from '../projections/agreement-places/agreement-places.projection.js';
import { getProduct, listProducts } from '../projections/catalogue.queries.js';
import { integrationMessages } from './integration-events.js';

const DEMO = DEMO_OPERATORS.demo.id;
const ctx: RequestContext = {
  operatorId: DEMO,
  caller: { kind: 'user', userId: 'admin', roles: ['customer', 'operator'] },
  correlationId: 'test',
};

async function waitUntil(check: () => Promise<boolean>, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('catalogue integration events', () => {
  let db: TestDatabase;
  let deps: CommandDeps;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let stream: string;
  let root: string;
  const clock = fixedClock(new Date('2027-03-01T10:00:00.000Z'));

  beforeAll(async () => {
    db = await testDatabase('catalogue_int');
    await runMigrations(db.pool, [...eventStoreMigrations, ...messagingMigrations, ...migrations]);
    deps = { pool: db.pool, store: new PostgresEventStore(db.pool), clock };
    nc = await testNatsConnection('catalogue-int');
    jsm = await jetstreamManager(nc);
    stream = uniqueName('CAT').toUpperCase();
    root = uniqueName('cat');
    await jsm.streams.add({ name: stream, subjects: [`${root}.>`] });
  });
  afterAll(async () => {
    await jsm?.streams.delete(stream).catch(() => {});
    await nc?.close();
    await db?.drop();
  });

  async function product(capacity: number | null = null) {
    const city = await createCity(deps, { name: `By ${randomUUID()}` }, ctx);
    const location = await createLocation(
      deps,
      {
        cityId: city.id,
        name: 'Sted',
        address: 'Gate 1',
        timeZone: 'Europe/Oslo',
        geo: { lat: 60, lon: 10 },
      },
      ctx,
    );
    const zone = await addZone(deps, { locationId: location.id, name: 'G1' }, ctx);
    const terms = await publishTerms(deps, { title: 'Vilkår', text: 'Tekst' }, ctx);
    return createProduct(
      deps,
      {
        name: 'Månedskort',
        locationId: location.id,
        zoneIds: [zone.id],
        price: { amount: 250000, currency: 'NOK' },
        period: { unit: 'month', count: 1 },
        autoRenew: true,
        maxVehicles: 1,
        startPolicy: 'chosen',
        requiresEmployeeNumber: true,
        termsId: terms.id,
        capacity,
      },
      ctx,
    );
  }

  const streamEvents = (streamId: string): Promise<RecordedEvent[]> => deps.store.readStream(streamId);

  it('announces a price change with the instant renewal charges start using it', async () => {
    const p = await product();
    await changeProduct(
      deps,
      { productId: p.id, changes: { price: { amount: 260000, currency: 'NOK' } } },
      ctx,
    );
    const events = await streamEvents(`product-${p.id}`);
    const toMessage = integrationMessages(db.pool, deps.store);
    const created = await toMessage(events[0]);
    expect(created?.subject).toBe(CATALOGUE_EVENTS.productPublished);
    const changed = await toMessage(events[1]);
    expect(changed?.subject).toBe(CATALOGUE_EVENTS.productPriceChanged);
    const data = changed!.data as ProductPriceChanged;
    expect(data.change).toEqual({
      price: { amount: 260000, currency: 'NOK' },
      previousPrice: { amount: 250000, currency: 'NOK' },
      changedAt: '2027-03-01T10:00:00.000Z',
      effectiveFrom: '2027-03-31T10:00:00.000Z',
    });
    expect(data.product.price.amount).toBe(260000);
    expect(data.previousPrice).toEqual({ amount: 250000, currency: 'NOK' });
    expect(data.prices.map((s) => s.price.amount)).toEqual([250000, 260000]);
  });

  it('announces a location with its zones, and a staff list only by count and hash', async () => {
    const p = await product();
    const uploadId = randomUUID();
    const employeeNumbers = Array.from({ length: 50_000 }, (_, i) => `ANSATT-${i}`);
    await stageStaffList(deps, { productId: p.id, uploadId, part: 0, employeeNumbers }, ctx);
    await replaceStaffList(deps, { productId: p.id, uploadId, parts: 1 }, ctx);
    const toMessage = integrationMessages(db.pool, deps.store);
    const events = await streamEvents(`product-${p.id}`);
    const message = await toMessage(events[events.length - 1]);
    expect(message?.subject).toBe(CATALOGUE_EVENTS.staffListReplaced);
    const data = message!.data as StaffListReplaced;
    expect(data.staffList.count).toBe(50_000);
    expect(data.hasStaffList).toBe(true);
    expect(JSON.stringify(data).length).toBeLessThan(10_000);

    const locationEvents = await streamEvents(`location-${p.locationId}`);
    const location = await toMessage(locationEvents[locationEvents.length - 1]);
    expect(location).toMatchObject({
      subject: CATALOGUE_EVENTS.locationPublished,
      data: { location: { id: p.locationId, zones: [{ name: 'G1' }] } },
    });
  });

  it('shows a product sold out once its capacity is held, from agreement events on JetStream', async () => {
    const p = await product(2);
    const consumer = new DurableConsumer({
      nc,
      pool: db.pool,
      stream,
      durable: uniqueName('places'),
      filterSubject: `${root}.>`,
      handle: applyAgreementEvent,
    });
    await consumer.start();
    const js = jetstream(nc);
    const publish = async (type: string, agreementId: string, version: number, status: string) => {
      const h = natsHeaders();
      h.set(HEADERS.operatorId, DEMO);
      h.set(HEADERS.streamVersion, String(version));
      h.set(HEADERS.eventType, type);
      const data = {
        agreementId,
        productId: type === 'AgreementRequested' ? p.id : undefined,
        snapshot: { agreementId, status },
      };
      await js.publish(`${root}.${type}`, JSON.stringify(data), { headers: h, msgID: randomUUID() });
    };
    const soldOut = async () => (await getProduct(db.pool, DEMO, p.id)).soldOut;
    try {
      const [a, b] = [randomUUID(), randomUUID()];
      await publish('AgreementRequested', a, 1, 'pending_payment');
      await publish('AgreementActivated', a, 2, 'active');
      expect(await soldOut()).toBe(false);
      // b's activation arrives before its request: the later status wins, the product is still learnt.
      await publish('AgreementActivated', b, 2, 'active');
      await publish('AgreementRequested', b, 1, 'pending_payment');
      await waitUntil(soldOut);
      const listed = (await listProducts(db.pool, DEMO, p.locationId)).items[0];
      expect(listed).toMatchObject({ capacity: 2, soldOut: true, onSale: true });
      const { rows } = await db.pool.query('select status from agreement_places where agreement_id = $1', [
        b,
      ]);
      expect(rows[0].status).toBe('active');
      // An ended agreement frees its place.
      await publish('AgreementEnded', a, 3, 'ended');
      await waitUntil(async () => !(await soldOut()));
    } finally {
      await consumer.stop();
    }
  });
});
