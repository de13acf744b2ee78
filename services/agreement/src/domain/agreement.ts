// The Agreement aggregate: its events, its state (one shape per status) and evolve.
import type { Money, Vehicle } from '@parking/contracts';
import type { PeriodSpec } from './period.js';

/** The product as it was sold: an agreement keeps the terms of its purchase. */
export interface ProductTerms {
  id: string;
  name: string;
  locationId: string;
  timeZone: string;
  zones: { id: string; name: string }[];
  price: Money;
  vatRate: number;
  period: PeriodSpec;
  autoRenew: boolean;
  maxVehicles: number;
  startPolicy: 'chosen' | 'at_purchase';
  requiresEmployeeNumber: boolean;
  termsId: string;
}

export interface AgreementRequested {
  type: 'AgreementRequested';
  data: {
    agreementId: string;
    userId: string;
    product: ProductTerms;
    vehicles: Vehicle[];
    employeeNumber: string | null;
    acceptedTermsId: string;
    paymentMethodId: string;
    /** The first period: validity once the first charge succeeds. */
    validFrom: string;
    validTo: string;
    requestedAt: string;
  };
}
export interface AgreementActivated {
  type: 'AgreementActivated';
  data: { agreementId: string; chargeId: string; activatedAt: string };
}
export interface AgreementPurchaseFailed {
  type: 'AgreementPurchaseFailed';
  data: { agreementId: string; reason: 'payment_declined' | 'payment_timeout'; failedAt: string };
}
export interface VehiclesChanged {
  type: 'VehiclesChanged';
  data: { agreementId: string; vehicles: Vehicle[]; changedAt: string };
}

export interface PaymentMethodChanged {
  type: 'PaymentMethodChanged';
  data: { agreementId: string; paymentMethodId: string; changedAt: string };
}
/** A renewal charge succeeded: the agreement is paid for period `periodNumber`, up to `validTo`. */
export interface AgreementRenewed {
  type: 'AgreementRenewed';
  data: {
    agreementId: string;
    periodNumber: number;
    chargeId: string;
    amount: Money;
    validTo: string;
    renewedAt: string;
  };
}
export interface RenewalFailed {
  type: 'RenewalFailed';
  data: { agreementId: string; periodNumber: number; reason: string; failedAt: string };
}
export interface AgreementCancelled {
  type: 'AgreementCancelled';
  data: { agreementId: string; cancelledAt: string; endsAt: string };
}
export interface Refund {
  periodNumber: number;
  amount: Money;
}
export interface AgreementWithdrawn {
  type: 'AgreementWithdrawn';
  data: { agreementId: string; withdrawnAt: string; refund: Refund | null };
}
export interface AgreementTerminated {
  type: 'AgreementTerminated';
  data: { agreementId: string; terminatedAt: string; reason: string; refund: Refund | null };
}
export type EndReason = 'expired' | 'cancelled' | 'unpaid';
export interface AgreementEnded {
  type: 'AgreementEnded';
  data: { agreementId: string; endedAt: string; reason: EndReason };
}

export type AgreementEvent =
  | AgreementRequested
  | AgreementActivated
  | AgreementPurchaseFailed
  | VehiclesChanged
  | PaymentMethodChanged
  | AgreementRenewed
  | RenewalFailed
  | AgreementCancelled
  | AgreementWithdrawn
  | AgreementTerminated
  | AgreementEnded;
export type AgreementEventType = AgreementEvent['type'];

interface Common {
  agreementId: string;
  userId: string;
  product: ProductTerms;
  vehicles: Vehicle[];
  employeeNumber: string | null;
  acceptedTermsId: string;
  paymentMethodId: string;
  validFrom: string;
  validTo: string;
  createdAt: string;
  /** The first period's start: every period is counted from it. */
  firstStart: string;
  /** Periods paid for, newest last (the first once active). */
  paidPeriods: { periodNumber: number; from: string; to: string; amount: Money; chargeId: string }[];
}

export interface Paid {
  activatedAt: string;
  /** The renewal charge that failed, while it is retried. */
  pastDuePeriod?: number;
}

export type AgreementState =
  | { status: 'none' }
  | (Common & { status: 'pending_payment' })
  | (Common & Paid & { status: 'active' })
  | (Common & Paid & { status: 'past_due'; pastDuePeriod: number })
  | (Common & Paid & { status: 'cancelled_at_period_end'; cancelledAt: string })
  | (Common & { status: 'failed'; failedAt: string; failureReason: string })
  | (Common & {
      status: 'ended';
      endedAt: string;
      endReason: EndReason | 'withdrawn' | 'terminated';
      activatedAt?: string;
    });

export type LiveState = Extract<
  AgreementState,
  { status: 'active' | 'past_due' | 'cancelled_at_period_end' }
>;
export const isLive = (s: AgreementState): s is LiveState =>
  s.status === 'active' || s.status === 'past_due' || s.status === 'cancelled_at_period_end';

export const initialState = (): AgreementState => ({ status: 'none' });

export function evolve(state: AgreementState, event: AgreementEvent): AgreementState {
  switch (event.type) {
    case 'AgreementRequested': {
      const d = event.data;
      return {
        status: 'pending_payment',
        agreementId: d.agreementId,
        userId: d.userId,
        product: d.product,
        vehicles: d.vehicles,
        employeeNumber: d.employeeNumber,
        acceptedTermsId: d.acceptedTermsId,
        paymentMethodId: d.paymentMethodId,
        validFrom: d.validFrom,
        validTo: d.validTo,
        createdAt: d.requestedAt,
        firstStart: d.validFrom,
        paidPeriods: [],
      };
    }
    case 'AgreementActivated':
      if (state.status !== 'pending_payment') return state;
      return {
        ...state,
        status: 'active',
        activatedAt: event.data.activatedAt,
        paidPeriods: [
          {
            periodNumber: 1,
            from: state.validFrom,
            to: state.validTo,
            amount: state.product.price,
            chargeId: event.data.chargeId,
          },
        ],
      };
    case 'AgreementPurchaseFailed':
      if (state.status !== 'pending_payment') return state;
      return { ...state, status: 'failed', failedAt: event.data.failedAt, failureReason: event.data.reason };
    case 'VehiclesChanged':
      if (state.status === 'none') return state;
      return { ...state, vehicles: event.data.vehicles };
    case 'PaymentMethodChanged':
      if (state.status === 'none') return state;
      return { ...state, paymentMethodId: event.data.paymentMethodId };
    case 'AgreementRenewed': {
      if (!isLive(state)) return state;
      const d = event.data;
      const { pastDuePeriod: _paid, ...rest } = state as LiveState & { pastDuePeriod?: number };
      const base = { ...rest, validTo: d.validTo };
      const paidPeriods = [
        ...state.paidPeriods,
        {
          periodNumber: d.periodNumber,
          from: state.validTo,
          to: d.validTo,
          amount: d.amount,
          chargeId: d.chargeId,
        },
      ];
      return state.status === 'cancelled_at_period_end'
        ? { ...base, status: 'cancelled_at_period_end', cancelledAt: state.cancelledAt, paidPeriods }
        : { ...base, status: 'active', paidPeriods };
    }
    case 'RenewalFailed':
      if (state.status !== 'active' && state.status !== 'past_due') return state;
      return { ...state, status: 'past_due', pastDuePeriod: event.data.periodNumber };
    case 'AgreementCancelled': {
      if (state.status !== 'active' && state.status !== 'past_due') return state;
      const { pastDuePeriod: _p, ...rest } = state as LiveState & { pastDuePeriod?: number };
      return { ...rest, status: 'cancelled_at_period_end', cancelledAt: event.data.cancelledAt };
    }
    case 'AgreementWithdrawn':
    case 'AgreementTerminated':
    case 'AgreementEnded': {
      if (!isLive(state)) return state;
      const endedAt =
        event.type === 'AgreementWithdrawn'
          ? event.data.withdrawnAt
          : event.type === 'AgreementTerminated'
            ? event.data.terminatedAt
            : event.data.endedAt;
      const endReason =
        event.type === 'AgreementWithdrawn'
          ? 'withdrawn'
          : event.type === 'AgreementTerminated'
            ? 'terminated'
            : event.data.reason;
      const { pastDuePeriod: _p, ...rest } = state as LiveState & { pastDuePeriod?: number };
      return {
        ...(rest as Common),
        status: 'ended',
        endedAt,
        endReason,
        activatedAt: 'activatedAt' in state ? state.activatedAt : undefined,
        // Withdrawn or terminated: no longer valid from now on.
        validTo: endedAt < state.validTo ? endedAt : state.validTo,
      };
    }
  }
}
