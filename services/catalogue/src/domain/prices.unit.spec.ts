import { describe, expect, it } from '@jest/globals';
import type { CatalogueEvent, ProductDefinition } from './catalogue.js';
import { priceInForceAt, priceSchedule } from './prices.js';

const nok = (kroner: number) => ({ amount: kroner * 100, currency: 'NOK' as const });
const definition = { productId: 'p1', price: nok(1250) } as ProductDefinition;
const at = (iso: string) => new Date(iso);
const change = (kroner: number, previous: number, changedAt: string, effectiveFrom: string) => ({
  type: 'ProductPriceChanged' as const,
  data: { productId: 'p1', price: nok(kroner), previousPrice: nok(previous), changedAt, effectiveFrom },
  createdAt: at(changedAt),
});

describe('prices over time', () => {
  const events: (CatalogueEvent & { createdAt: Date })[] = [
    { type: 'ProductCreated', data: definition, createdAt: at('2027-01-01T00:00:00Z') },
    change(1300, 1250, '2027-03-01T00:00:00.000Z', '2027-03-31T00:00:00.000Z'),
    change(1400, 1300, '2027-03-10T00:00:00.000Z', '2027-04-09T00:00:00.000Z'),
  ];
  const schedule = priceSchedule(events);

  it('applies a change only to renewal charges made at least 30 days after it', () => {
    expect(priceInForceAt(schedule, at('2027-03-30T23:59:59Z')).price).toEqual(nok(1250));
    expect(priceInForceAt(schedule, at('2027-03-31T00:00:00Z')).price).toEqual(nok(1300));
    expect(priceInForceAt(schedule, at('2027-04-08T00:00:00Z')).price).toEqual(nok(1300));
    expect(priceInForceAt(schedule, at('2027-04-09T00:00:00Z')).price).toEqual(nok(1400));
  });

  it('uses the first price before the product existed', () => {
    expect(priceInForceAt(schedule, at('2026-01-01T00:00:00Z')).price).toEqual(nok(1250));
  });

  it('dates the first price at its creation', () => {
    expect(schedule[0]).toEqual({
      price: nok(1250),
      changedAt: '2027-01-01T00:00:00.000Z',
      effectiveFrom: '2027-01-01T00:00:00.000Z',
    });
  });
});
