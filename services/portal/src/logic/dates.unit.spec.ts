import { describe, expect, it } from '@jest/globals';
import { addDays, localDate, startChoice, startDateProblem } from './dates.js';

describe('the start date picker', () => {
  it("takes today in the location's time zone, not the browser's", () => {
    // 23:30 UTC on 31 December is already 1 January in Oslo.
    const now = new Date('2026-12-31T23:30:00Z');
    expect(localDate(now, 'Europe/Oslo')).toBe('2027-01-01');
    expect(localDate(now, 'UTC')).toBe('2026-12-31');
  });

  it('adds calendar days across months and leap days', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 90)).toBe('2027-03-31');
  });

  it('offers today to 90 days ahead for a chosen start', () => {
    const choice = startChoice('chosen', new Date('2026-06-01T10:00:00Z'), 'Europe/Oslo');
    expect(choice).toEqual({ kind: 'chosen', min: '2026-06-01', max: '2026-08-30', suggested: '2026-06-01' });
    expect(startDateProblem(choice, '2026-05-31')).toBe('start_past');
    expect(startDateProblem(choice, '2026-08-31')).toBe('start_too_late');
    expect(startDateProblem(choice, '2026-08-30')).toBeNull();
    expect(startDateProblem(choice, '')).toBe('start_required');
  });

  it('has no date to pick for a product that starts at purchase', () => {
    const choice = startChoice('at_purchase', new Date(), 'Europe/Oslo');
    expect(choice).toEqual({ kind: 'at_purchase' });
    expect(startDateProblem(choice, '')).toBeNull();
  });
});
