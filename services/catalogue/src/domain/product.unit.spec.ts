import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '@parking/testing';
import type { CatalogueEvent, ProductDefinition } from './catalogue.js';
import { productDecider, type ProductCommand, type ProductFacts } from './product.js';

const now = new Date('2027-03-01T10:00:00.000Z');
const monthly: ProductDefinition = {
  productId: 'p1',
  name: 'Ansatt måned',
  description: 'Månedsavtale for ansatte.',
  locationId: 'loc',
  zoneIds: ['z1', 'z2'],
  price: { amount: 125000, currency: 'NOK' },
  vatRate: 25,
  period: { unit: 'month', count: 1 },
  autoRenew: true,
  maxVehicles: 3,
  startPolicy: 'chosen',
  requiresEmployeeNumber: true,
  termsId: 't1',
  capacity: null,
};
const day: ProductDefinition = {
  ...monthly,
  productId: 'p2',
  name: 'Døgnparkering',
  period: { unit: 'day', count: 1 },
  autoRenew: false,
  maxVehicles: 1,
  startPolicy: 'at_purchase',
  requiresEmployeeNumber: false,
};
const facts: ProductFacts = { locationZoneIds: ['z1', 'z2', 'z3'], termsKnown: true };
const created = (d: ProductDefinition): CatalogueEvent => ({ type: 'ProductCreated', data: d });
const spec = deciderSpec(productDecider);
const create = (definition: ProductDefinition, f: ProductFacts = facts): ProductCommand => ({
  type: 'CreateProduct',
  definition,
  facts: f,
  now,
});
const change = (changes: object, f: ProductFacts = facts): ProductCommand => ({
  type: 'ChangeProduct',
  changes,
  facts: f,
  now,
});

/** The paths a refusal names (and that it is a 422). */
function refusedPaths(given: CatalogueEvent[], command: ProductCommand): string[] {
  const state = given.reduce(productDecider.evolve, productDecider.initialState());
  try {
    productDecider.decide(command, state);
  } catch (err: any) {
    expect(err.code).toBe('RULE_VIOLATED');
    return err.fields.map((f: { path: string }) => f.path);
  }
  throw new Error('the command was not refused');
}

describe('defining a product', () => {
  it('records the product with the time it was defined', () => {
    spec
      .given([])
      .when(create(monthly))
      .then([created({ ...monthly, createdAt: now.toISOString() })]);
  });

  it('refuses three vehicles on a day product', () => {
    expect(refusedPaths([], create({ ...day, maxVehicles: 3 }))).toEqual(['maxVehicles']);
  });

  it('allows more than one vehicle only for periods longer than 14 days', () => {
    const twoWeeks = { ...monthly, period: { unit: 'week' as const, count: 2 } };
    expect(refusedPaths([], create({ ...twoWeeks, maxVehicles: 2 }))).toEqual(['maxVehicles']);
    spec
      .given([])
      .when(create({ ...twoWeeks, period: { unit: 'week', count: 3 } }))
      .then([created({ ...twoWeeks, period: { unit: 'week', count: 3 }, createdAt: now.toISOString() })]);
  });

  it('starts at purchase only for day products', () => {
    expect(refusedPaths([], create({ ...monthly, startPolicy: 'at_purchase' }))).toEqual(['startPolicy']);
  });

  it('covers zones of its own location only', () => {
    expect(refusedPaths([], create({ ...monthly, zoneIds: ['z1', 'elsewhere'] }))).toEqual(['zoneIds.1']);
  });

  it('refuses a location or terms the operator does not have, naming each', () => {
    expect(refusedPaths([], create(monthly, { locationZoneIds: null, termsKnown: false }))).toEqual([
      'locationId',
      'termsId',
    ]);
  });

  it('is defined only once', () => {
    spec
      .given([created(monthly)])
      .when(create(monthly))
      .thenThrows('CONFLICT');
  });
});

describe('changing a product', () => {
  it('records a price change that renewal charges use from 30 days on', () => {
    spec
      .given([created(monthly)])
      .when(change({ price: { amount: 135000, currency: 'NOK' } }))
      .then([
        {
          type: 'ProductPriceChanged',
          data: {
            productId: 'p1',
            price: { amount: 135000, currency: 'NOK' },
            previousPrice: { amount: 125000, currency: 'NOK' },
            changedAt: '2027-03-01T10:00:00.000Z',
            effectiveFrom: '2027-03-31T10:00:00.000Z',
          },
        },
      ]);
  });

  it('records nothing for values that do not change', () => {
    spec
      .given([created(monthly)])
      .when(change({ price: monthly.price, description: monthly.description, onSale: true, capacity: null }))
      .then([]);
  });

  it('withdraws a product and puts it on sale again', () => {
    const withdrawn: CatalogueEvent = {
      type: 'ProductWithdrawn',
      data: { productId: 'p1', at: now.toISOString() },
    };
    spec
      .given([created(monthly)])
      .when(change({ onSale: false }))
      .then([withdrawn]);
    spec
      .given([created(monthly), withdrawn])
      .when(change({ onSale: false }))
      .then([]);
    spec
      .given([created(monthly), withdrawn])
      .when(change({ onSale: true }))
      .then([{ type: 'ProductPutOnSale', data: { productId: 'p1', at: now.toISOString() } }]);
  });

  it('attaches another terms version only if the operator has it', () => {
    expect(
      refusedPaths([created(monthly)], change({ termsId: 't2' }, { ...facts, termsKnown: false })),
    ).toEqual(['termsId']);
    spec
      .given([created(monthly)])
      .when(change({ termsId: 't2' }))
      .then([
        { type: 'ProductTermsChanged', data: { productId: 'p1', termsId: 't2', previousTermsId: 't1' } },
      ]);
  });

  it('moves a product to zones of its own location only', () => {
    expect(refusedPaths([created(monthly)], change({ zoneIds: ['z3', 'other'] }))).toEqual(['zoneIds.1']);
    spec
      .given([created(monthly)])
      .when(change({ zoneIds: ['z3'] }))
      .then([{ type: 'ProductZonesChanged', data: { productId: 'p1', zoneIds: ['z3'] } }]);
  });

  it('records several changes at once, each as its own event', () => {
    spec
      .given([created(monthly)])
      .when(change({ description: 'Ny tekst', capacity: 40, onSale: false }))
      .then([
        { type: 'ProductDescriptionChanged', data: { productId: 'p1', description: 'Ny tekst' } },
        { type: 'ProductCapacityChanged', data: { productId: 'p1', capacity: 40 } },
        { type: 'ProductWithdrawn', data: { productId: 'p1', at: now.toISOString() } },
      ]);
  });

  it('keeps the current price when the change is refused', () => {
    const state = [created(monthly)].reduce(productDecider.evolve, productDecider.initialState());
    expect(() =>
      productDecider.decide(change({ price: { amount: 1, currency: 'NOK' }, zoneIds: ['nope'] }), state),
    ).toThrow();
    expect(state.status === 'defined' && state.definition.price.amount).toBe(125000);
  });

  it('does not change a product that does not exist', () => {
    spec
      .given([])
      .when(change({ onSale: false }))
      .thenThrows('NOT_FOUND');
  });
});

describe('replacing a staff list', () => {
  const replace = (sha256: string, count = 2): ProductCommand => ({
    type: 'ReplaceStaffList',
    count,
    sha256,
    now,
  });
  const replaced = (sha256: string, count = 2): CatalogueEvent => ({
    type: 'StaffListReplaced',
    data: { productId: 'p1', count, sha256, replacedAt: now.toISOString() },
  });

  it('records the count and hash of the new list', () => {
    spec
      .given([created(monthly)])
      .when(replace('abc'))
      .then([replaced('abc')]);
  });

  it('changes nothing when the same list comes again', () => {
    spec
      .given([created(monthly), replaced('abc')])
      .when(replace('abc'))
      .then([]);
    spec
      .given([created(monthly), replaced('abc')])
      .when(replace('def', 3))
      .then([replaced('def', 3)]);
  });

  it('is refused on a product that asks for no employee number', () => {
    expect(refusedPaths([created(day)], replace('abc'))).toEqual(['employeeNumbers']);
  });
});
