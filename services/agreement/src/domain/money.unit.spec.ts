// The agreement's money decisions (issue 13): a period is charged only on the agreement's word, taken
// from its state at that moment; a charge success it no longer wants is refused, to be refunded in
// full; withdrawal and termination refund the unused share of every paid period, never more.
import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '@parking/testing';
import { evolve, initialState, type AgreementEvent, type ProductTerms } from './agreement.js';
import {
  chargeDecision,
  decide,
  PAYMENT_TIMEOUT_MS,
  type AgreementCommand,
  type RequestPurchase,
} from './decide.js';
import { historyEntry } from './view.js';

const spec = deciderSpec<AgreementCommand, AgreementEvent, ReturnType<typeof initialState>>({
  decide,
  evolve,
  initialState,
});
const monthly: ProductTerms & { onSale: boolean } = {
  id: 'p-month',
  name: 'Ansatt måned',
  locationId: 'loc-1',
  timeZone: 'Europe/Oslo',
  zones: [{ id: 'z-p1', name: 'P1' }],
  price: { amount: 125000, currency: 'NOK' },
  vatRate: 25,
  period: { unit: 'month', count: 1 },
  autoRenew: true,
  maxVehicles: 3,
  startPolicy: 'chosen',
  requiresEmployeeNumber: false,
  termsId: 't-1',
  onSale: true,
};
const bought = new Date('2027-01-20T09:00:00Z');
const at = (iso: string) => new Date(iso);
const price = { amount: 125000, currency: 'NOK' as const };
const stateOf = (events: AgreementEvent[]) => events.reduce(evolve, initialState());

function requested(): AgreementEvent[] {
  const purchase: RequestPurchase = {
    type: 'RequestPurchase',
    agreementId: 'a-1',
    userId: 'u-1',
    product: monthly,
    vehicles: [{ plate: 'EK12345', country: 'NO' }],
    startDate: '2027-01-31',
    acceptedTermsId: 't-1',
    paymentMethod: { id: 'pm-1', usable: true },
    employeeOnStaffList: null,
    employeeHoldsAgreement: false,
    now: bought,
  };
  return decide(purchase, initialState());
}
const activated = (): AgreementEvent[] => {
  const events = requested();
  return [...events, ...decide({ type: 'ActivateAgreement', chargeId: 'c-1', now: bought }, stateOf(events))];
};
const renewal = (periodNumber: number, now: Date, chargeId = `c-${periodNumber}`): AgreementCommand => ({
  type: 'RenewAgreement',
  periodNumber,
  chargeId,
  amount: price,
  now,
});
const cancelled = (): AgreementEvent[] => {
  const events = activated();
  return [
    ...events,
    ...decide({ type: 'Cancel', userId: 'u-1', now: at('2027-02-10T09:00:00Z') }, stateOf(events)),
  ];
};

describe('no charge without a live decision', () => {
  it('says period 1 may be charged while the purchase is pending, not once it timed out or settled', () => {
    expect(chargeDecision(stateOf(requested()), 1, bought)).toEqual({ charge: true });
    const late = new Date(bought.getTime() + PAYMENT_TIMEOUT_MS);
    expect(chargeDecision(stateOf(requested()), 1, late)).toEqual({
      charge: false,
      reason: 'payment_timeout',
    });
    expect(chargeDecision(stateOf(activated()), 1, bought)).toEqual({ charge: false, reason: 'paid' });
    expect(chargeDecision(initialState(), 1, bought)).toEqual({ charge: false, reason: 'not_found' });
  });

  it('says the next period may be charged only while the agreement still renews', () => {
    const now = at('2027-02-24T23:00:00Z');
    expect(chargeDecision(stateOf(activated()), 2, now)).toEqual({ charge: true });
    expect(chargeDecision(stateOf(activated()), 3, now)).toMatchObject({ charge: false });
    expect(chargeDecision(stateOf(cancelled()), 2, now)).toEqual({
      charge: false,
      reason: 'cancelled_at_period_end',
    });
    const withdrawn = [
      ...activated(),
      ...decide({ type: 'Withdraw', userId: 'u-1', now: at('2027-01-25T09:00:00Z') }, stateOf(activated())),
    ];
    expect(chargeDecision(stateOf(withdrawn), 2, now)).toEqual({ charge: false, reason: 'ended' });
    const oneOff = requested().map((e) =>
      e.type === 'AgreementRequested'
        ? ({ ...e, data: { ...e.data, product: { ...e.data.product, autoRenew: false } } } as AgreementEvent)
        : e,
    );
    const active = [
      ...oneOff,
      ...decide({ type: 'ActivateAgreement', chargeId: 'c-1', now: bought }, stateOf(oneOff)),
    ];
    expect(chargeDecision(stateOf(active), 2, now)).toEqual({ charge: false, reason: 'one_off' });
  });
});

describe('compensation when overtaken', () => {
  it('refuses a renewal charge that succeeded after the cancel: refunded in full, validity unchanged', () => {
    const now = at('2027-02-24T23:00:00Z');
    spec
      .given(cancelled())
      .when(renewal(2, now))
      .then([
        {
          type: 'ChargeRejected',
          data: {
            agreementId: 'a-1',
            periodNumber: 2,
            chargeId: 'c-2',
            amount: price,
            reason: 'cancelled',
            rejectedAt: now.toISOString(),
          },
        },
      ]);
    const after = stateOf([...cancelled(), ...decide(renewal(2, now), stateOf(cancelled()))]);
    expect(after).toMatchObject({
      status: 'cancelled_at_period_end',
      validTo: (stateOf(cancelled()) as { validTo: string }).validTo,
    });
    // Delivered again: refused once only.
    spec
      .given([...cancelled(), ...decide(renewal(2, now), stateOf(cancelled()))])
      .when(renewal(2, now))
      .then([]);
  });

  it('refuses a first charge that succeeded after the purchase failed (a late PSP answer)', () => {
    const failed = [
      ...requested(),
      ...decide(
        { type: 'EndIfOver', now: new Date(bought.getTime() + PAYMENT_TIMEOUT_MS) },
        stateOf(requested()),
      ),
    ];
    expect(stateOf(failed).status).toBe('failed');
    spec
      .given(failed)
      .when({ type: 'ActivateAgreement', chargeId: 'c-1', now: bought })
      .then([
        {
          type: 'ChargeRejected',
          data: {
            agreementId: 'a-1',
            periodNumber: 1,
            chargeId: 'c-1',
            amount: price,
            reason: 'failed',
            rejectedAt: bought.toISOString(),
          },
        },
      ]);
  });

  it('refuses a charge for an ended agreement, and tells the customer in the history', () => {
    const withdrawn = [
      ...activated(),
      ...decide({ type: 'Withdraw', userId: 'u-1', now: at('2027-01-25T09:00:00Z') }, stateOf(activated())),
    ];
    const [rejected] = decide(renewal(2, at('2027-02-24T23:00:00Z')), stateOf(withdrawn));
    expect(rejected).toMatchObject({ type: 'ChargeRejected', data: { reason: 'ended' } });
    expect(historyEntry(rejected, '2027-02-24T23:00:00Z')).toMatchObject({
      type: 'charge_refunded',
      summary: expect.stringContaining('refunded in full'),
    });
  });

  it('keeps a charge it holds (a redelivery) without refusing it', () => {
    spec.given(activated()).when({ type: 'ActivateAgreement', chargeId: 'c-1', now: bought }).then([]);
  });
});

describe('refunds of every paid period', () => {
  // Period 1: 31 January – 28 February (Oslo); period 2 renewed ahead, to 31 March.
  const renewedAhead = () => {
    const events = activated();
    return [...events, ...decide(renewal(2, at('2027-02-24T23:00:00Z')), stateOf(events))];
  };

  it('withdraws with the unused share of the current period and all of the period paid ahead', () => {
    const now = at('2027-02-01T23:00:00.000Z'); // 2 of 28 days of period 1 used, within the 14 days
    const [withdrawn] = decide({ type: 'Withdraw', userId: 'u-1', now }, stateOf(renewedAhead()));
    expect(withdrawn).toMatchObject({
      type: 'AgreementWithdrawn',
      data: {
        refund: { periodNumber: 2, amount: price },
        refunds: [
          { periodNumber: 1, amount: { amount: 116071, currency: 'NOK' } },
          { periodNumber: 2, amount: price },
        ],
      },
    });
    expect(historyEntry(withdrawn, now.toISOString()).summary).toContain('410,71 refunded');
  });

  it('terminates pro rata over every paid period, never more than each charge', () => {
    const now = at('2027-02-20T12:00:00.000Z');
    const [terminated] = decide(
      { type: 'Terminate', reason: 'Misuse', refund: 'pro_rata', now },
      stateOf(renewedAhead()),
    );
    const refunds = (terminated.data as { refunds: { periodNumber: number; amount: { amount: number } }[] })
      .refunds;
    expect(refunds.map((r) => r.periodNumber)).toEqual([1, 2]);
    expect(refunds[0].amount.amount).toBeGreaterThan(0);
    expect(refunds[0].amount.amount).toBeLessThan(price.amount);
    expect(refunds[1].amount.amount).toBe(price.amount);
    const none = decide(
      { type: 'Terminate', reason: 'Misuse', refund: 'none', now },
      stateOf(renewedAhead()),
    );
    expect(none[0].data).toMatchObject({ refund: null });
    expect(none[0].data).not.toHaveProperty('refunds');
  });
});
