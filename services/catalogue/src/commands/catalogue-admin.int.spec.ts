// The operator's catalogue writes against a real database: each change an event with its read model in
// the same transaction, refusals that change nothing, each operator's catalogue its own, versioned
// terms, staff lists of 100,000 numbers staged in parts, prices over time, and the demo data loaded
// once however often it is loaded.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DEMO_OPERATORS, type RequestContext } from '@parking/contracts';
import type { Product } from '@parking/contracts/catalogue';
import { eventStoreMigrations, PostgresEventStore, runMigrations } from '@parking/event-store';
import { messagingMigrations } from '@parking/messaging';
import { fixedClock } from '@parking/platform';
import { testDatabase, type TestDatabase } from '@parking/testing';
import { loadDemoData } from '../demo/demo-data.js';
import type { CommandDeps } from '../deps.js';
import { migrations } from '../migrations/index.js';
import {
  getProduct,
  getTerms,
  listAllProducts,
  listCities,
  listLocations,
  listProducts,
  staffContains,
} from '../projections/catalogue.queries.js';
import { priceAt } from '../projections/prices.queries.js';
import { addZone } from './adding-zones/add-zone.js';
import { changeProduct } from './changing-products/change-product.js';
import { createCity } from './creating-cities/create-city.js';
import { createLocation } from './creating-locations/create-location.js';
import { createProduct } from './defining-products/create-product.js';
import { publishTerms } from './publishing-terms/publish-terms.js';
import { replaceStaffList, stageStaffList } from './replacing-staff-lists/replace-staff-list.js';

const DEMO = DEMO_OPERATORS.demo.id;
const FJORD = DEMO_OPERATORS.fjord.id;
const admin = (operatorId: string): RequestContext => ({
  operatorId,
  caller: { kind: 'user', userId: `admin-${operatorId}`, roles: ['customer', 'operator'] },
  correlationId: 'test',
});
const customer: RequestContext = {
  operatorId: DEMO,
  caller: { kind: 'user', userId: 'customer', roles: ['customer'] },
  correlationId: 'test',
};

/** The paths a refusal names, after checking its code. */
async function refusal(promise: Promise<unknown>, code: string): Promise<string[]> {
  try {
    await promise;
  } catch (err: any) {
    expect(err.code).toBe(code);
    return (err.fields ?? []).map((f: { path: string }) => f.path);
  }
  throw new Error(`expected ${code}, but it succeeded`);
}

describe('the operator catalogue', () => {
  let db: TestDatabase;
  let deps: CommandDeps;
  const clock = fixedClock(new Date('2027-03-01T10:00:00.000Z'));

  beforeAll(async () => {
    db = await testDatabase('catalogue');
    await runMigrations(db.pool, [...eventStoreMigrations, ...messagingMigrations, ...migrations]);
    deps = { pool: db.pool, store: new PostgresEventStore(db.pool), clock };
    await loadDemoData(deps);
  });
  afterAll(() => db.drop());

  const eventCount = async () =>
    Number((await db.pool.query('select count(*) from es.events')).rows[0].count);

  /** A city, a location with zones P1 and P2, and terms, for one operator. */
  async function site(operatorId = DEMO) {
    const ctx = admin(operatorId);
    const city = await createCity(deps, { name: `By ${randomUUID().slice(0, 8)}` }, ctx);
    const location = await createLocation(
      deps,
      {
        cityId: city.id,
        name: 'Drammen Sykehus',
        address: 'Dronninggata 28',
        timeZone: 'Europe/Oslo',
        geo: { lat: 59.74, lon: 10.2 },
      },
      ctx,
    );
    const p1 = await addZone(deps, { locationId: location.id, name: 'P1' }, ctx);
    const p2 = await addZone(deps, { locationId: location.id, name: 'P2' }, ctx);
    const terms = await publishTerms(deps, { title: 'Vilkår', text: 'Avtalen gir rett til å parkere.' }, ctx);
    return { ctx, city, location, p1, p2, terms };
  }

  const monthly = (locationId: string, zoneIds: string[], termsId: string) => ({
    name: 'Ansatt måned',
    description: 'For ansatte.',
    locationId,
    zoneIds,
    price: { amount: 125000, currency: 'NOK' },
    period: { unit: 'month', count: 1 },
    autoRenew: true,
    maxVehicles: 3,
    startPolicy: 'chosen',
    requiresEmployeeNumber: true,
    termsId,
  });

  it('loads the demo catalogue once, however often it is loaded', async () => {
    const before = await eventCount();
    await loadDemoData(deps);
    expect(await eventCount()).toBe(before);
    const cities = await listCities(db.pool, DEMO);
    expect(cities.items.map((c) => c.name)).toEqual(['Oslo', 'Tønsberg']);
    expect((await listCities(db.pool, FJORD)).items.map((c) => c.name)).toEqual(['Bergen']);
    const tonsberg = cities.items.find((c) => c.name === 'Tønsberg')!;
    const [hospital] = (await listLocations(db.pool, DEMO, tonsberg.id)).items;
    const products = (await listProducts(db.pool, DEMO, hospital.id)).items;
    const employee = products.find((p) => p.name === 'Ansatt måned')!;
    expect(await staffContains(db.pool, DEMO, employee.id, '10001')).toEqual({
      contained: true,
      hasList: true,
    });
    expect(await staffContains(db.pool, DEMO, employee.id, '11000')).toEqual({
      contained: false,
      hasList: true,
    });
    const lists = await db.pool.query(
      `select count(*)::int as n from es.events where event_type = 'StaffListReplaced'`,
    );
    expect(lists.rows[0].n).toBe(2); // Ansatt måned and Ansatt år, once each
  });

  it('builds a location with zones, terms and a product the customer then sees', async () => {
    const { ctx, city, location, p1, p2, terms } = await site();
    expect((await listLocations(db.pool, DEMO, city.id)).items[0]).toMatchObject({
      id: location.id,
      timeZone: 'Europe/Oslo',
      zones: [
        { id: p1.id, name: 'P1' },
        { id: p2.id, name: 'P2' },
      ],
    });
    const product = await createProduct(deps, monthly(location.id, [p1.id], terms.id), ctx);
    expect(product).toMatchObject({
      onSale: true,
      zones: [{ id: p1.id, name: 'P1' }],
      vatRate: 25,
      capacity: null,
      soldOut: false,
      timeZone: 'Europe/Oslo',
    });
    expect((await listProducts(db.pool, DEMO, location.id)).items.map((p) => p.id)).toEqual([product.id]);
    expect(await getTerms(db.pool, DEMO, terms.id)).toMatchObject({ version: 1, title: 'Vilkår' });
  });

  it('withdraws a product from the public list but keeps it in the operator list', async () => {
    const { ctx, location, p1, terms } = await site();
    const product = await createProduct(deps, monthly(location.id, [p1.id], terms.id), ctx);
    const withdrawn = await changeProduct(deps, { productId: product.id, changes: { onSale: false } }, ctx);
    expect(withdrawn.onSale).toBe(false);
    expect((await listProducts(db.pool, DEMO, location.id)).items).toEqual([]);
    expect((await listAllProducts(db.pool, DEMO, location.id)).items.map((p) => p.id)).toEqual([product.id]);
    expect((await getProduct(db.pool, DEMO, product.id)).onSale).toBe(false);
  });

  it('refuses what breaks a rule, names each field and changes nothing', async () => {
    const { ctx, location, p1, terms } = await site();
    const other = await site();
    const before = await eventCount();
    const dayWithThree = {
      ...monthly(location.id, [p1.id, other.p1.id], randomUUID()),
      period: { unit: 'day', count: 1 },
      startPolicy: 'at_purchase',
    };
    expect((await refusal(createProduct(deps, dayWithThree, ctx), 'RULE_VIOLATED')).sort()).toEqual(
      ['maxVehicles', 'termsId', 'zoneIds.1'].sort(),
    );
    expect(
      await refusal(
        createProduct(
          deps,
          { ...monthly(location.id, [p1.id], terms.id), price: { amount: 0, currency: 'NOK' } },
          ctx,
        ),
        'VALIDATION',
      ),
    ).toEqual(['price.amount']);
    expect(
      await refusal(
        createLocation(
          deps,
          { cityId: randomUUID(), name: 'X', address: 'Y', timeZone: 'Europe/Oslo', geo: { lat: 1, lon: 1 } },
          ctx,
        ),
        'RULE_VIOLATED',
      ),
    ).toEqual(['cityId']);
    const product = await createProduct(deps, monthly(location.id, [p1.id], terms.id), ctx);
    const afterCreate = await eventCount();
    expect(before + 1).toBe(afterCreate);
    const paths = await refusal(
      changeProduct(
        deps,
        {
          productId: product.id,
          changes: { price: { amount: 99900, currency: 'NOK' }, zoneIds: [other.p1.id] },
        },
        ctx,
      ),
      'RULE_VIOLATED',
    );
    expect(paths).toEqual(['zoneIds.0']);
    expect(await eventCount()).toBe(afterCreate);
    expect((await getProduct(db.pool, DEMO, product.id)).price.amount).toBe(125000);
  });

  it("keeps each operator's catalogue its own", async () => {
    const demo = await site(DEMO);
    const product = await createProduct(
      deps,
      monthly(demo.location.id, [demo.p1.id], demo.terms.id),
      demo.ctx,
    );
    const fjord = admin(FJORD);
    const before = await eventCount();
    await refusal(
      changeProduct(deps, { productId: product.id, changes: { onSale: false } }, fjord),
      'NOT_FOUND',
    );
    await refusal(addZone(deps, { locationId: demo.location.id, name: 'P9' }, fjord), 'NOT_FOUND');
    expect(
      await refusal(
        createProduct(deps, monthly(demo.location.id, [demo.p1.id], demo.terms.id), fjord),
        'RULE_VIOLATED',
      ),
    ).toEqual(expect.arrayContaining(['locationId', 'termsId']));
    expect(await refusal(listAllProducts(db.pool, FJORD, demo.location.id), 'RULE_VIOLATED')).toEqual([
      'locationId',
    ]);
    expect(
      await refusal(
        publishTerms(deps, { title: 'T', text: 'x', replaces: demo.terms.id }, fjord),
        'RULE_VIOLATED',
      ),
    ).toEqual(['replaces']);
    await refusal(
      stageStaffList(
        deps,
        { productId: product.id, uploadId: randomUUID(), part: 0, employeeNumbers: ['1'] },
        fjord,
      ),
      'NOT_FOUND',
    );
    await refusal(getProduct(db.pool, FJORD, product.id), 'NOT_FOUND');
    expect(await eventCount()).toBe(before);
    expect(
      (await listAllProducts(db.pool, FJORD)).items.every((p) => p.name === 'Månedskort Bergen Stasjon'),
    ).toBe(true);
  });

  it('lets only the operator admins change the catalogue', async () => {
    await refusal(createCity(deps, { name: 'Skien' }, customer), 'FORBIDDEN');
  });

  it("refuses a city or zone name the operator's catalogue has already", async () => {
    const { ctx, city, location } = await site();
    expect(await refusal(createCity(deps, { name: city.name.toUpperCase() }, ctx), 'RULE_VIOLATED')).toEqual([
      'name',
    ]);
    expect(
      await refusal(addZone(deps, { locationId: location.id, name: 'p1' }, ctx), 'RULE_VIOLATED'),
    ).toEqual(['name']);
  });

  it('publishes the next version of a terms document and attaches it to a product', async () => {
    const { ctx, location, p1, terms } = await site();
    const product = await createProduct(deps, monthly(location.id, [p1.id], terms.id), ctx);
    const v2 = await publishTerms(deps, { title: 'Vilkår', text: 'Ny tekst.', replaces: terms.id }, ctx);
    expect(v2.version).toBe(2);
    expect(
      await refusal(publishTerms(deps, { title: 'V', text: 'x', replaces: terms.id }, ctx), 'RULE_VIOLATED'),
    ).toEqual(['replaces']);
    expect((await getProduct(db.pool, DEMO, product.id)).termsId).toBe(terms.id);
    const changed = await changeProduct(deps, { productId: product.id, changes: { termsId: v2.id } }, ctx);
    expect(changed.termsId).toBe(v2.id);
  });

  it('applies a price change to renewal charges made 30 days after it, and to purchases at once', async () => {
    const { ctx, location, p1, terms } = await site();
    const product = await createProduct(deps, monthly(location.id, [p1.id], terms.id), ctx);
    clock.set(new Date('2027-03-05T12:00:00.000Z'));
    const changed = await changeProduct(
      deps,
      { productId: product.id, changes: { price: { amount: 135000, currency: 'NOK' } } },
      ctx,
    );
    expect(changed.price.amount).toBe(135000);
    const at = (iso: string) => priceAt(db.pool, deps.store, DEMO, product.id, new Date(iso));
    expect((await at('2027-04-04T11:59:59Z')).price.amount).toBe(125000);
    expect(await at('2027-04-04T12:00:00Z')).toEqual({
      price: { amount: 135000, currency: 'NOK' },
      effectiveFrom: '2027-04-04T12:00:00.000Z',
    });
    await refusal(priceAt(db.pool, deps.store, FJORD, product.id, new Date()), 'NOT_FOUND');
  });

  it('applies concurrent changes of one product one after the other', async () => {
    const { ctx, location, p1, terms } = await site();
    const product = await createProduct(deps, monthly(location.id, [p1.id], terms.id), ctx);
    await Promise.all([
      changeProduct(deps, { productId: product.id, changes: { description: 'Ny' } }, ctx),
      changeProduct(deps, { productId: product.id, changes: { capacity: 10 } }, ctx),
      changeProduct(deps, { productId: product.id, changes: { onSale: false } }, ctx),
    ]);
    expect(await getProduct(db.pool, DEMO, product.id)).toMatchObject({
      description: 'Ny',
      capacity: 10,
      onSale: false,
    });
  });

  describe('staff lists', () => {
    async function upload(ctx: RequestContext, productId: string, parts: string[][]) {
      const uploadId = randomUUID();
      for (const [part, employeeNumbers] of parts.entries())
        await stageStaffList(deps, { productId, uploadId, part, employeeNumbers }, ctx);
      return replaceStaffList(deps, { productId, uploadId, parts: parts.length }, ctx);
    }
    let product: Product;
    let ctx: RequestContext;

    beforeAll(async () => {
      const s = await site();
      ctx = s.ctx;
      product = await createProduct(deps, monthly(s.location.id, [s.p1.id], s.terms.id), ctx);
    });

    it('lets any employee number buy until the product has a list', async () => {
      expect(await staffContains(db.pool, DEMO, product.id, 'anything')).toEqual({
        contained: true,
        hasList: false,
      });
    });

    it('replaces a list of 100,000 numbers sent in parts, recording only its count and hash', async () => {
      const numbers = Array.from({ length: 100_000 }, (_, i) => `E${200000 + i}`);
      const summary = await upload(ctx, product.id, [
        numbers.slice(0, 40_000),
        numbers.slice(40_000, 80_000),
        numbers.slice(80_000),
      ]);
      expect(summary.count).toBe(100_000);
      expect(await staffContains(db.pool, DEMO, product.id, 'E200000')).toEqual({
        contained: true,
        hasList: true,
      });
      expect(await staffContains(db.pool, DEMO, product.id, 'E299999')).toEqual({
        contained: true,
        hasList: true,
      });
      expect(await staffContains(db.pool, DEMO, product.id, 'E300000')).toEqual({
        contained: false,
        hasList: true,
      });
      const { rows } = await db.pool.query(
        `select data from es.events where stream_id = $1 and event_type = 'StaffListReplaced'`,
        [`product-${product.id}`],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].data).toMatchObject({ count: 100_000, sha256: summary.sha256 });
      expect(JSON.stringify(rows[0].data).length).toBeLessThan(1_000);
      const staged = await db.pool.query('select count(*)::int as n from staff_list_upload_entries');
      expect(staged.rows[0].n).toBe(0);
    });

    it('replaces the whole list: numbers left out are no longer on it; the same list again changes nothing', async () => {
      await upload(ctx, product.id, [['A1', 'A2', 'A2']]);
      expect(await staffContains(db.pool, DEMO, product.id, 'E200000')).toEqual({
        contained: false,
        hasList: true,
      });
      expect(await staffContains(db.pool, DEMO, product.id, 'A2')).toEqual({
        contained: true,
        hasList: true,
      });
      const before = await eventCount();
      const again = await upload(ctx, product.id, [['A2'], ['A1']]);
      expect(again.count).toBe(2);
      expect(await eventCount()).toBe(before);
    });

    it('refuses a list whose parts did not all arrive, and keeps the old one', async () => {
      const uploadId = randomUUID();
      await stageStaffList(deps, { productId: product.id, uploadId, part: 0, employeeNumbers: ['B1'] }, ctx);
      expect(
        await refusal(
          replaceStaffList(deps, { productId: product.id, uploadId, parts: 2 }, ctx),
          'VALIDATION',
        ),
      ).toEqual(['parts']);
      expect(await staffContains(db.pool, DEMO, product.id, 'A1')).toEqual({
        contained: true,
        hasList: true,
      });
    });

    it('refuses a list for a product that asks for no employee number', async () => {
      const s = await site();
      const open = await createProduct(
        deps,
        { ...monthly(s.location.id, [s.p1.id], s.terms.id), requiresEmployeeNumber: false },
        s.ctx,
      );
      expect(await refusal(upload(s.ctx, open.id, [['1']]), 'RULE_VIOLATED')).toEqual(['employeeNumbers']);
    });
  });
});
