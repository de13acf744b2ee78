// The agreement after its purchase, given / when / then: renewals moving validity a period forward,
// failed renewals (past due, still valid), cancel, withdrawal within 14 days with a pro-rata refund,
// operator termination, the end of a period, and the public history.
import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '@parking/testing';
import { evolve, initialState, type AgreementEvent, type ProductTerms } from './agreement.js';
import { decide, proRata, type AgreementCommand, type RequestPurchase } from './decide.js';
import { historyEntry, renewalDue, toView } from './view.js';

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

function history(product = monthly, startDate = '2027-01-31'): AgreementEvent[] {
  const purchase: RequestPurchase = {
    type: 'RequestPurchase',
    agreementId: 'a-1',
    userId: 'u-1',
    product,
    vehicles: [{ plate: 'EK12345', country: 'NO' }],
    startDate,
    acceptedTermsId: 't-1',
    paymentMethod: { id: 'pm-1', usable: true },
    employeeOnStaffList: null,
    employeeHoldsAgreement: false,
    now: bought,
  };
  const requested = decide(purchase, initialState());
  const state = requested.reduce(evolve, initialState());
  return [...requested, ...decide({ type: 'ActivateAgreement', chargeId: 'c-1', now: bought }, state)];
}
const stateOf = (events: AgreementEvent[]) => events.reduce(evolve, initialState());
const renewed = (periodNumber: number, validTo: string): AgreementEvent => ({
  type: 'AgreementRenewed',
  data: {
    agreementId: 'a-1',
    periodNumber,
    chargeId: `c-${periodNumber}`,
    amount: { amount: 125000, currency: 'NOK' },
    validTo,
    renewedAt: '2027-02-25T23:00:00.000Z',
  },
});

describe('renewing an agreement', () => {
  it('moves validity one calendar period forward, anchored to the first start (31 January → 28 February → 31 March)', () => {
    const first = history();
    // Oslo: 31 January 00:00 is 30 January 23:00 UTC; the first month ends 28 February 00:00 (clamped),
    // the second 31 March 00:00 (summer time by then).
    expect(stateOf(first)).toMatchObject({
      validFrom: '2027-01-30T23:00:00.000Z',
      validTo: '2027-02-27T23:00:00.000Z',
    });
    const now = at('2027-02-24T23:00:00.000Z');
    const expected = renewed(2, '2027-03-30T22:00:00.000Z');
    spec
      .given(first)
      .when({
        type: 'RenewAgreement',
        periodNumber: 2,
        chargeId: 'c-2',
        amount: { amount: 125000, currency: 'NOK' },
        now,
      })
      .then([
        {
          type: 'AgreementRenewed',
          data: { ...(expected.data as object), renewedAt: now.toISOString() },
        } as AgreementEvent,
      ]);
  });

  it('changes nothing for a charge delivered again, or one that is not the next period', () => {
    const events = [...history(), renewed(2, '2027-03-30T22:00:00.000Z')];
    const cmd = {
      type: 'RenewAgreement' as const,
      chargeId: 'c-2',
      amount: { amount: 1, currency: 'NOK' as const },
      now: bought,
    };
    spec
      .given(events)
      .when({ ...cmd, periodNumber: 2 })
      .then([]);
    spec
      .given(events)
      .when({ ...cmd, periodNumber: 5 })
      .then([]);
  });

  it('is due 72 hours before the period ends, retried 48 hours before and at its end', () => {
    const due = renewalDue(stateOf(history()) as never)!;
    expect(due).toEqual({
      periodNumber: 2,
      period: { from: '2027-02-27T23:00:00.000Z', to: '2027-03-30T22:00:00.000Z' },
      dueAt: '2027-02-24T23:00:00.000Z',
      retryAt: ['2027-02-25T23:00:00.000Z', '2027-02-27T23:00:00.000Z'],
      amount: { amount: 125000, currency: 'NOK' },
    });
  });

  it('is due at the period start when the period is 3 days or shorter', () => {
    const daily = { ...monthly, period: { unit: 'day' as const, count: 1 }, maxVehicles: 1 };
    const state = stateOf(history(daily, '2027-02-01'));
    expect(renewalDue(state as never)?.dueAt).toBe((state as { validFrom: string }).validFrom);
  });

  it('makes the agreement past due when a renewal charge fails; still valid, and active again once paid', () => {
    const failed: AgreementEvent = {
      type: 'RenewalFailed',
      data: {
        agreementId: 'a-1',
        periodNumber: 2,
        reason: 'insufficient_funds',
        failedAt: '2027-02-25T23:00:00.000Z',
      },
    };
    spec
      .given(history())
      .when({
        type: 'FailRenewal',
        periodNumber: 2,
        reason: 'insufficient_funds',
        now: at('2027-02-25T23:00:00.000Z'),
      })
      .then([failed]);
    const pastDue = stateOf([...history(), failed]);
    expect(pastDue).toMatchObject({ status: 'past_due', validTo: '2027-02-27T23:00:00.000Z' });
    expect(toView(pastDue as never)).toMatchObject({
      endsAt: '2027-02-27T23:00:00.000Z',
      nextRenewalAt: '2027-02-25T23:00:00.000Z',
    });
    expect(stateOf([...history(), failed, renewed(2, '2027-03-30T22:00:00.000Z')])).toMatchObject({
      status: 'active',
      validTo: '2027-03-30T22:00:00.000Z',
    });
  });
});

describe('cancelling, withdrawing and terminating', () => {
  it('cancels an auto-renewing agreement at the end of its paid period, refunding nothing', () => {
    const now = at('2027-02-10T10:00:00Z');
    spec
      .given(history())
      .when({ type: 'Cancel', userId: 'u-1', now })
      .then([
        {
          type: 'AgreementCancelled',
          data: { agreementId: 'a-1', cancelledAt: now.toISOString(), endsAt: '2027-02-27T23:00:00.000Z' },
        },
      ]);
    const cancelled = stateOf([
      ...history(),
      ...decide({ type: 'Cancel', userId: 'u-1', now }, stateOf(history())),
    ]);
    expect(toView(cancelled as never)).toMatchObject({
      status: 'cancelled_at_period_end',
      nextRenewalAt: null,
      endsAt: '2027-02-27T23:00:00.000Z',
    });
    expect(renewalDue(cancelled as never)).toBeNull();
  });

  it("refuses to cancel a one-off agreement or another customer's", () => {
    spec
      .given(history({ ...monthly, autoRenew: false }))
      .when({ type: 'Cancel', userId: 'u-1', now: bought })
      .thenThrows('CONFLICT');
    spec.given(history()).when({ type: 'Cancel', userId: 'u-2', now: bought }).thenThrows('NOT_FOUND');
  });

  it('withdraws within 14 days of the purchase: ends now, the unused share refunded (all of it before the start)', () => {
    const now = at('2027-01-25T09:00:00Z'); // before the chosen start of 31 January
    spec
      .given(history())
      .when({ type: 'Withdraw', userId: 'u-1', now })
      .then([
        {
          type: 'AgreementWithdrawn',
          data: {
            agreementId: 'a-1',
            withdrawnAt: now.toISOString(),
            refund: { periodNumber: 1, amount: { amount: 125000, currency: 'NOK' } },
          },
        },
      ]);
  });

  it('refunds pro rata: the paid amount × the unused share of the period in seconds, rounded down', () => {
    // 28 days paid, 7 days used: 21/28 of 125000 øre.
    const from = '2027-01-30T23:00:00.000Z';
    const to = '2027-02-27T23:00:00.000Z';
    expect(proRata(125000, from, to, at('2027-02-06T23:00:00.000Z'))).toBe(93750);
    // One second used of 28 days: rounded down, never up.
    expect(proRata(100, from, to, at('2027-01-30T23:00:01.000Z'))).toBe(99);
    expect(proRata(125000, from, to, at('2027-03-01T00:00:00Z'))).toBe(0);
  });

  it('refuses a withdrawal after 14 days (409)', () => {
    spec
      .given(history())
      .when({ type: 'Withdraw', userId: 'u-1', now: at('2027-02-03T09:00:01Z') })
      .thenThrows('CONFLICT');
  });

  it('lets an operator terminate at once with a pro-rata refund, or none', () => {
    const now = at('2027-02-14T11:00:00Z');
    const [terminated] = decide(
      { type: 'Terminate', reason: 'Misuse', refund: 'pro_rata', now },
      stateOf(history()),
    );
    expect(terminated).toMatchObject({ type: 'AgreementTerminated', data: { refund: { periodNumber: 1 } } });
    const [none] = decide({ type: 'Terminate', reason: 'Misuse', refund: 'none', now }, stateOf(history()));
    expect(none).toMatchObject({ data: { refund: null } });
    const ended = stateOf([...history(), terminated]);
    expect(ended).toMatchObject({ status: 'ended', validTo: now.toISOString() });
    spec
      .given([...history(), terminated])
      .when({ type: 'Terminate', reason: 'again', refund: 'none', now })
      .thenThrows('CONFLICT');
  });
});

describe('the end of a period', () => {
  const end = at('2027-02-27T23:00:00.000Z');
  it('ends a cancelled agreement at its period end, and nothing before', () => {
    const cancelled = [
      ...history(),
      ...decide({ type: 'Cancel', userId: 'u-1', now: bought }, stateOf(history())),
    ];
    spec
      .given(cancelled)
      .when({ type: 'EndIfOver', now: new Date(end.getTime() - 1) })
      .then([]);
    spec
      .given(cancelled)
      .when({ type: 'EndIfOver', now: at('2027-03-02T00:00:00Z') })
      .then([
        {
          type: 'AgreementEnded',
          data: { agreementId: 'a-1', endedAt: end.toISOString(), reason: 'cancelled' },
        },
      ]);
  });

  it('ends an unpaid auto-renewing agreement and an expired one-off one', () => {
    spec
      .given(history())
      .when({ type: 'EndIfOver', now: end })
      .then([
        {
          type: 'AgreementEnded',
          data: { agreementId: 'a-1', endedAt: end.toISOString(), reason: 'unpaid' },
        },
      ]);
    spec
      .given(history({ ...monthly, autoRenew: false }))
      .when({ type: 'EndIfOver', now: end })
      .then([
        {
          type: 'AgreementEnded',
          data: { agreementId: 'a-1', endedAt: end.toISOString(), reason: 'expired' },
        },
      ]);
  });

  it('fails a purchase whose first charge has not settled in 15 minutes', () => {
    const requested = history().slice(0, 1);
    spec
      .given(requested)
      .when({ type: 'EndIfOver', now: new Date(bought.getTime() + 14 * 60_000) })
      .then([]);
    const late = new Date(bought.getTime() + 15 * 60_000);
    spec
      .given(requested)
      .when({ type: 'EndIfOver', now: late })
      .then([
        {
          type: 'AgreementPurchaseFailed',
          data: { agreementId: 'a-1', reason: 'payment_timeout', failedAt: late.toISOString() },
        },
      ]);
  });
});

describe('switching the card and the public history', () => {
  it("refuses a card that is not the customer's active one, and changes nothing for the same card", () => {
    spec
      .given(history())
      .when({
        type: 'ChangePaymentMethod',
        userId: 'u-1',
        paymentMethod: { id: 'pm-2', usable: false },
        now: bought,
      })
      .thenThrows('RULE_VIOLATED');
    spec
      .given(history())
      .when({
        type: 'ChangePaymentMethod',
        userId: 'u-1',
        paymentMethod: { id: 'pm-1', usable: true },
        now: bought,
      })
      .then([]);
  });

  it('tells the history in public words, never the internal events', () => {
    const entries = history().map((e) => historyEntry(e, '2027-01-20T09:00:00.000Z'));
    expect(entries.map((e) => e.type)).toEqual(['purchased', 'activated']);
    expect(entries[0].summary).toContain('EK12345');
    expect(JSON.stringify(entries)).not.toContain('AgreementRequested');
  });
});
