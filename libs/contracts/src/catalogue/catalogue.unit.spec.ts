import { describe, expect, it } from '@jest/globals';
import { parseOrThrow } from '../common/validation.js';
import {
  changeProductBodySchema,
  createLocationSchema,
  createProductSchema,
  replaceStaffListBodySchema,
  STAFF_LIST_MAX,
} from './index.js';

/** The paths a 400 names. */
function badFields(schema: Parameters<typeof parseOrThrow>[0], input: unknown): string[] {
  try {
    parseOrThrow(schema, input);
  } catch (err: any) {
    expect(err.code).toBe('VALIDATION');
    return err.fields.map((f: { path: string }) => f.path);
  }
  return [];
}

const location = {
  cityId: 'c1',
  name: 'Drammen Sykehus',
  address: 'Dronninggata 28',
  timeZone: 'Europe/Oslo',
  geo: { lat: 59.74, lon: 10.2 },
};
const product = {
  name: 'Månedskort',
  description: '',
  locationId: 'l1',
  zoneIds: ['z1'],
  price: { amount: 190000, currency: 'NOK' },
  vatRate: 25,
  period: { unit: 'month', count: 1 },
  autoRenew: true,
  maxVehicles: 1,
  startPolicy: 'chosen',
  requiresEmployeeNumber: false,
  termsId: 't1',
};

describe('catalogue request validation (400: malformed on its own)', () => {
  it('takes an IANA time zone, in its canonical spelling', () => {
    expect(parseOrThrow(createLocationSchema, { ...location, timeZone: 'europe/oslo' }).timeZone).toBe(
      'Europe/Oslo',
    );
    expect(badFields(createLocationSchema, { ...location, timeZone: 'Mars/Olympus' })).toEqual(['timeZone']);
    expect(badFields(createLocationSchema, { ...location, timeZone: '+01:00' })).toEqual(['timeZone']);
  });

  it('refuses coordinates out of range, naming each', () => {
    expect(badFields(createLocationSchema, { ...location, geo: { lat: 91, lon: -181 } })).toEqual([
      'geo.lat',
      'geo.lon',
    ]);
  });

  it('refuses a price of 0 or a fraction of an øre', () => {
    expect(badFields(createProductSchema, { ...product, price: { amount: 0, currency: 'NOK' } })).toEqual([
      'price.amount',
    ]);
    expect(badFields(createProductSchema, { ...product, price: { amount: 10.5, currency: 'NOK' } })).toEqual([
      'price.amount',
    ]);
  });

  it('names every mistyped or missing field', () => {
    const { autoRenew: _a, ...withoutAutoRenew } = product;
    expect(
      badFields(createProductSchema, { ...withoutAutoRenew, maxVehicles: 4, zoneIds: [] }).sort(),
    ).toEqual(['autoRenew', 'maxVehicles', 'zoneIds'].sort());
  });

  it('defaults the VAT rate to 25 % and the capacity to none', () => {
    const { vatRate: _v, ...withoutVat } = product;
    expect(parseOrThrow(createProductSchema, withoutVat)).toMatchObject({ vatRate: 25, capacity: null });
  });

  it('changes only the fields a PATCH may change, and names the others', () => {
    expect(parseOrThrow(changeProductBodySchema, { onSale: false, capacity: null })).toEqual({
      onSale: false,
      capacity: null,
    });
    expect(badFields(changeProductBodySchema, { onSale: false, name: 'Nytt navn' })).toEqual(['name']);
    expect(badFields(changeProductBodySchema, {})).toEqual(['(body)']);
  });

  it(`takes up to ${STAFF_LIST_MAX} employee numbers`, () => {
    const numbers = Array.from({ length: STAFF_LIST_MAX }, (_, i) => String(i));
    expect(
      parseOrThrow(replaceStaffListBodySchema, { employeeNumbers: numbers }).employeeNumbers,
    ).toHaveLength(STAFF_LIST_MAX);
    expect(badFields(replaceStaffListBodySchema, { employeeNumbers: [...numbers, 'one more'] })).toEqual([
      'employeeNumbers',
    ]);
    expect(badFields(replaceStaffListBodySchema, { employeeNumbers: ['ok', ''] })).toEqual([
      'employeeNumbers.1',
    ]);
  });
});
