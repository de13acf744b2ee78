import { describe, expect, it } from '@jest/globals';
import { fromLocal, localDate, periodWindow, startOfLocalDate, toLocal } from './period.js';

const OSLO = 'Europe/Oslo';
const iso = (d: Date) => d.toISOString();

describe('period arithmetic in the location time zone', () => {
  it('starts a chosen date at local midnight', () => {
    expect(iso(startOfLocalDate('2027-01-15', OSLO))).toBe('2027-01-14T23:00:00.000Z');
    expect(iso(startOfLocalDate('2027-07-15', OSLO))).toBe('2027-07-14T22:00:00.000Z');
  });

  it('ends a month from 31 January on the last day of February, then on 31 March', () => {
    const start = startOfLocalDate('2027-01-31', OSLO);
    const month = { unit: 'month', count: 1 } as const;
    expect(localDate(periodWindow(start, month, 1, OSLO).to, OSLO)).toBe('2027-02-28');
    expect(localDate(periodWindow(start, month, 2, OSLO).to, OSLO)).toBe('2027-03-31');
    expect(localDate(periodWindow(start, month, 3, OSLO).to, OSLO)).toBe('2027-04-30');
    expect(localDate(periodWindow(start, month, 4, OSLO).to, OSLO)).toBe('2027-05-31');
  });

  it('ends February on the 29th in a leap year', () => {
    const start = startOfLocalDate('2028-01-31', OSLO);
    expect(localDate(periodWindow(start, { unit: 'month', count: 1 }, 1, OSLO).to, OSLO)).toBe('2028-02-29');
  });

  it('ends a year that started on 29 February on 28 February', () => {
    const start = startOfLocalDate('2028-02-29', OSLO);
    const year = { unit: 'year', count: 1 } as const;
    expect(localDate(periodWindow(start, year, 1, OSLO).to, OSLO)).toBe('2029-02-28');
    expect(localDate(periodWindow(start, year, 4, OSLO).to, OSLO)).toBe('2032-02-29');
  });

  it('keeps whole calendar days across the spring daylight-saving change (a 23-hour day)', () => {
    // Europe/Oslo springs forward on 28 March 2027.
    const start = startOfLocalDate('2027-03-25', OSLO);
    const week = periodWindow(start, { unit: 'week', count: 1 }, 1, OSLO);
    expect(iso(week.from)).toBe('2027-03-24T23:00:00.000Z');
    expect(iso(week.to)).toBe('2027-03-31T22:00:00.000Z');
    expect((week.to.getTime() - week.from.getTime()) / 3_600_000).toBe(7 * 24 - 1);
    expect(toLocal(week.to, OSLO)).toMatchObject({ day: 1, month: 4, hour: 0 });
  });

  it('keeps whole calendar days across the autumn daylight-saving change (a 25-hour day)', () => {
    // Europe/Oslo falls back on 31 October 2027.
    const start = startOfLocalDate('2027-10-15', OSLO);
    const month = periodWindow(start, { unit: 'month', count: 1 }, 1, OSLO);
    expect(localDate(month.to, OSLO)).toBe('2027-11-15');
    expect(toLocal(month.to, OSLO).hour).toBe(0);
    expect((month.to.getTime() - month.from.getTime()) / 3_600_000).toBe(31 * 24 + 1);
  });

  it('counts a day product that starts at purchase as 24 hours, even across a change', () => {
    const purchase = new Date('2027-03-27T12:34:56.000Z');
    const day = periodWindow(purchase, { unit: 'day', count: 1 }, 1, OSLO, true);
    expect(day.to.getTime() - day.from.getTime()).toBe(24 * 3_600_000);
    expect(iso(day.from)).toBe(iso(purchase));
  });

  it('numbers renewal periods from the first start, not from the previous end', () => {
    const start = startOfLocalDate('2027-01-31', OSLO);
    const p2 = periodWindow(start, { unit: 'month', count: 1 }, 2, OSLO);
    expect(localDate(p2.from, OSLO)).toBe('2027-02-28');
    expect(localDate(p2.to, OSLO)).toBe('2027-03-31');
  });

  it('maps a wall time skipped by spring-forward to the instant after the gap', () => {
    const t = fromLocal(
      { year: 2027, month: 3, day: 28, hour: 2, minute: 30, second: 0, millisecond: 0 },
      OSLO,
    );
    expect(iso(t)).toBe('2027-03-28T01:30:00.000Z');
  });
});
