import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '@parking/testing';
import { dueDate, sanctionDecider, type SanctionCancelledData, type SanctionIssuedData } from './sanction.js';

const spec = deciderSpec(sanctionDecider);
const issued: SanctionIssuedData = {
  sanctionId: 's-1',
  number: 7,
  violationId: 'v-1',
  plate: 'EK12345',
  country: 'NO',
  zone: 'P1',
  amount: { amount: 60000, currency: 'NOK' },
  issuedAt: '2027-01-15T23:30:00.000Z',
  note: null,
  issuedBy: 'officer',
  dueDate: '2027-02-06',
};
const { dueDate: _due, ...issue } = issued;
const cancelled: SanctionCancelledData = {
  sanctionId: 's-1',
  reason: 'valid permit shown',
  cancelledAt: '2027-01-16T08:00:00.000Z',
  cancelledBy: 'officer',
};

describe('control sanctions', () => {
  it('issues one with the due date counted from the issue day in the zone’s time zone', () => {
    spec
      .given([])
      .when({ type: 'IssueSanction', data: { ...issue, dueDays: 21, timeZone: 'Europe/Oslo' } })
      .then([{ type: 'SanctionIssued', data: issued }]);
  });

  it('refuses a second sanction for the same violation (409)', () => {
    spec
      .given([{ type: 'SanctionIssued', data: issued }])
      .when({ type: 'IssueSanction', data: { ...issue, dueDays: 21, timeZone: 'Europe/Oslo' } })
      .thenThrows('CONFLICT');
  });

  it('cancels an issued sanction with a reason, once', () => {
    spec
      .given([{ type: 'SanctionIssued', data: issued }])
      .when({ type: 'CancelSanction', data: cancelled })
      .then([{ type: 'SanctionCancelled', data: cancelled }]);
    spec
      .given([
        { type: 'SanctionIssued', data: issued },
        { type: 'SanctionCancelled', data: cancelled },
      ])
      .when({ type: 'CancelSanction', data: cancelled })
      .thenThrows('CONFLICT');
    spec.given([]).when({ type: 'CancelSanction', data: cancelled }).thenThrows('NOT_FOUND');
  });

  it('counts due days in calendar days of the time zone', () => {
    // 23:30 UTC on 15 January is already the 16th in Oslo.
    expect(dueDate('2027-01-15T23:30:00Z', 21, 'Europe/Oslo')).toBe('2027-02-06');
    expect(dueDate('2027-01-15T23:30:00Z', 21, 'UTC')).toBe('2027-02-05');
    expect(dueDate('2027-03-20T12:00:00Z', 14, 'Europe/Oslo')).toBe('2027-04-03');
  });
});
