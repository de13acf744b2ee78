import { describe, expect, it } from '@jest/globals';
import { checkProduct, type ProductDefinition } from './catalogue.js';

const base: ProductDefinition = {
  productId: 'p',
  name: 'Ansatt måned',
  description: '',
  locationId: 'l',
  zoneIds: ['z1'],
  price: { amount: 125000, currency: 'NOK' },
  vatRate: 25,
  period: { unit: 'month', count: 1 },
  autoRenew: true,
  maxVehicles: 3,
  startPolicy: 'chosen',
  requiresEmployeeNumber: true,
  termsId: 't',
  capacity: null,
};

const fieldsOf = (p: ProductDefinition, zones = ['z1', 'z2']) => {
  try {
    checkProduct(p, zones);
    return [];
  } catch (err: any) {
    return err.fields.map((f: { path: string }) => f.path);
  }
};

describe('product rules', () => {
  it('accepts a monthly product with three vehicles', () => {
    expect(fieldsOf(base)).toEqual([]);
  });
  it('allows more than one vehicle only for periods longer than 14 days', () => {
    expect(fieldsOf({ ...base, period: { unit: 'week', count: 2 } })).toEqual(['maxVehicles']);
    expect(fieldsOf({ ...base, period: { unit: 'week', count: 3 } })).toEqual([]);
    expect(
      fieldsOf({ ...base, period: { unit: 'day', count: 1 }, maxVehicles: 2, startPolicy: 'at_purchase' }),
    ).toEqual(['maxVehicles']);
  });
  it('refuses a price of 0 or a fraction of an øre', () => {
    expect(fieldsOf({ ...base, price: { amount: 0, currency: 'NOK' } })).toEqual(['price.amount']);
    expect(fieldsOf({ ...base, price: { amount: 10.5, currency: 'NOK' } })).toEqual(['price.amount']);
  });
  it('covers zones of its own location only', () => {
    expect(fieldsOf({ ...base, zoneIds: ['z1', 'elsewhere'] })).toEqual(['zoneIds.1']);
  });
  it('starts at purchase only for day products', () => {
    expect(fieldsOf({ ...base, startPolicy: 'at_purchase' })).toEqual(['startPolicy']);
  });
});
