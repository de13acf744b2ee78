import { describe, expect, it } from '@jest/globals';
import {
  canCancel,
  canChangeCard,
  canChangeVehicles,
  canWithdraw,
  homeOrder,
  type AgreementLike,
} from './agreements.js';

const bought = '2026-06-01T10:00:00Z';
const agreement = (over: Partial<AgreementLike> = {}): AgreementLike => ({
  status: 'active',
  autoRenew: true,
  createdAt: bought,
  ...over,
});

describe('what the agreement page offers', () => {
  it('offers withdrawal for 14 days after the purchase, not after', () => {
    expect(canWithdraw(agreement(), new Date('2026-06-15T09:59:59Z'))).toBe(true);
    expect(canWithdraw(agreement(), new Date('2026-06-15T10:00:00Z'))).toBe(false);
  });

  it('offers nothing but history for an ended or failed agreement', () => {
    for (const status of ['ended', 'failed'] as const) {
      const a = agreement({ status });
      expect([canWithdraw(a, new Date(bought)), canCancel(a), canChangeVehicles(a)]).toEqual([
        false,
        false,
        false,
      ]);
    }
  });

  it('offers cancel only to a running auto-renewing agreement', () => {
    expect(canCancel(agreement())).toBe(true);
    expect(canCancel(agreement({ autoRenew: false }))).toBe(false);
    expect(canCancel(agreement({ status: 'cancelled_at_period_end' }))).toBe(false);
  });

  it('lists live agreements first on Home', () => {
    const items = [agreement({ status: 'ended' }), agreement({ status: 'pending_payment' }), agreement()];
    expect(homeOrder(items).map((a) => a.status)).toEqual(['active', 'pending_payment', 'ended']);
  });
});

describe('«Bytt kort»', () => {
  const a = (status: AgreementLike['status'], autoRenew = true): AgreementLike => ({
    status,
    autoRenew,
    createdAt: '2026-01-01T00:00:00Z',
  });
  it('is offered while an auto-renewing agreement still renews, past due included', () => {
    expect(canChangeCard(a('active'))).toBe(true);
    expect(canChangeCard(a('past_due'))).toBe(true);
    expect(canChangeCard(a('active', false))).toBe(false);
    expect(canChangeCard(a('cancelled_at_period_end'))).toBe(false);
    expect(canChangeCard(a('ended'))).toBe(false);
  });
});
