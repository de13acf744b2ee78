import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { nok } from '@parking/contracts';
import { cardExpiredAt, formatNok, nextAttemptAt, renewalAmount } from './renewal-schedule.js';

const validTo = new Date('2027-02-28T23:00:00Z');
const h = (hours: number) => new Date(validTo.getTime() - hours * 3_600_000);
const times = { dueAt: h(72), retryAt: [h(48), validTo] };

describe('when a renewal is charged', () => {
  it('is first taken at its due time, 72 hours before the period ends', () => {
    expect(nextAttemptAt(times, null)).toEqual(h(72));
  });

  it('is retried 48 hours before the end after failing at its due time, then at the end, then never', () => {
    expect(nextAttemptAt(times, h(72))).toEqual(h(48));
    expect(nextAttemptAt(times, h(48))).toEqual(validTo);
    expect(nextAttemptAt(times, validTo)).toBeNull();
  });

  it('after a late attempt, is retried at the next retry time still ahead', () => {
    expect(nextAttemptAt(times, h(30))).toEqual(validTo);
    expect(nextAttemptAt(times, new Date(validTo.getTime() + 1))).toBeNull();
  });

  it('always retries strictly after the failed attempt, or never', () => {
    fc.assert(
      fc.property(fc.integer({ min: -200, max: 10 }), (hoursBeforeEnd) => {
        const failedAt = h(-hoursBeforeEnd);
        const next = nextAttemptAt(times, failedAt);
        expect(next === null || next.getTime() > failedAt.getTime()).toBe(true);
      }),
    );
  });
});

describe('the price of a renewal charge', () => {
  const start = new Date('2027-01-01T00:00:00Z');
  it('is the purchase price when the catalogue offers no schedule', () => {
    expect(renewalAmount(nok(125000), null, start)).toEqual(nok(125000));
  });
  it('is the new price once a change made after the start is in force for renewals', () => {
    const inForce = { price: nok(140000), effectiveFrom: new Date('2027-02-15T00:00:00Z') };
    expect(renewalAmount(nok(125000), inForce, start)).toEqual(nok(140000));
  });
  it('is the purchase price when the price in force took effect before the agreement began', () => {
    const inForce = { price: nok(100000), effectiveFrom: new Date('2026-06-01T00:00:00Z') };
    expect(renewalAmount(nok(125000), inForce, start)).toEqual(nok(125000));
  });
});

describe('cards and texts', () => {
  it('counts a card valid through the last day of its expiry month', () => {
    const card = { expMonth: 2, expYear: 2027 };
    expect(cardExpiredAt(card, new Date('2027-02-28T23:59:59Z'))).toBe(false);
    expect(cardExpiredAt(card, new Date('2027-03-01T00:00:00Z'))).toBe(true);
    expect(cardExpiredAt({ expMonth: 12, expYear: 2027 }, new Date('2028-01-01T00:00:00Z'))).toBe(true);
  });

  it('writes amounts the Norwegian way', () => {
    expect(formatNok(125000)).toBe('kr 1 250,00');
    expect(formatNok(5)).toBe('kr 0,05');
    expect(formatNok(-1234567)).toBe('-kr 12 345,67');
  });
});
