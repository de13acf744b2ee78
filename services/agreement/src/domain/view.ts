// The public view of an agreement (API.md `Agreement`), its validity snapshot for enforcement, when its
// next renewal is due, and its public history (API.md `HistoryEntry`).
import type {
  Agreement,
  HistoryEntry,
  HistoryType,
  RenewalDue,
  ValiditySnapshot,
} from '@parking/contracts/agreement';
import type { AgreementEvent, AgreementState } from './agreement.js';
import { periodWindow } from './period.js';

/** Renewal charges are made 72 hours before a period ends, or at its start when it is 3 days or shorter. */
export const RENEWAL_LEAD_MS = 72 * 3_600_000;
/** A failed renewal charge is retried 48 hours before the period ends, and at its end. */
export const RETRY_LEAD_MS = 48 * 3_600_000;

type Existing = Exclude<AgreementState, { status: 'none' }>;

/** The next period to charge, or null when the agreement will not renew. */
export function renewalDue(state: Existing): RenewalDue | null {
  if (!state.product.autoRenew || (state.status !== 'active' && state.status !== 'past_due')) return null;
  const last = state.paidPeriods.at(-1);
  if (!last) return null;
  const next = periodWindow(
    new Date(state.firstStart),
    state.product.period,
    last.periodNumber + 1,
    state.product.timeZone,
    state.product.startPolicy === 'at_purchase',
  );
  const from = Date.parse(last.from);
  const to = Date.parse(last.to);
  return {
    periodNumber: last.periodNumber + 1,
    period: { from: next.from.toISOString(), to: next.to.toISOString() },
    dueAt: new Date(to - from <= RENEWAL_LEAD_MS ? from : to - RENEWAL_LEAD_MS).toISOString(),
    retryAt: [new Date(Math.max(from, to - RETRY_LEAD_MS)).toISOString(), last.to],
    amount: state.product.price,
  };
}

export function nextRenewalAt(state: Existing): string | null {
  const due = renewalDue(state);
  if (!due) return null;
  if (state.status === 'past_due') return due.retryAt.find((t) => t > due.dueAt) ?? null;
  return due.dueAt;
}

function endsAt(state: Existing): string | null {
  switch (state.status) {
    case 'ended':
      return state.endedAt;
    case 'failed':
      return null;
    case 'cancelled_at_period_end':
    case 'past_due':
      return state.validTo;
    default:
      return state.product.autoRenew ? null : state.validTo;
  }
}

export function toView(state: Existing): Agreement {
  return {
    id: state.agreementId,
    status: state.status,
    product: { id: state.product.id, name: state.product.name, locationId: state.product.locationId },
    vehicles: state.vehicles,
    zones: state.product.zones,
    validFrom: state.validFrom,
    validTo: state.validTo,
    autoRenew: state.product.autoRenew,
    nextRenewalAt: nextRenewalAt(state),
    endsAt: endsAt(state),
    employeeNumber: state.employeeNumber,
    paymentMethodId: state.paymentMethodId,
    createdAt: state.createdAt,
    userId: state.userId,
    price: state.product.price,
  };
}

export function toSnapshot(state: Existing): ValiditySnapshot {
  return {
    agreementId: state.agreementId,
    status: state.status,
    vehicles: state.vehicles,
    zoneIds: state.product.zones.map((z) => z.id),
    validFrom: state.validFrom,
    validTo: state.validTo,
  };
}

const nok = (amount: number) =>
  `kr ${(amount / 100).toLocaleString('nb-NO', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const plates = (vs: { plate: string }[]) => vs.map((v) => v.plate).join(', ');

/** The public history entry of an event: what happened, in words, never the internal format. */
export function historyEntry(event: AgreementEvent, at: string): HistoryEntry {
  const entry = (type: HistoryType, summary: string): HistoryEntry => ({ type, at, summary });
  switch (event.type) {
    case 'AgreementRequested':
      return entry(
        'purchased',
        `${event.data.product.name} bought for ${plates(event.data.vehicles)}, valid from ${event.data.validFrom}`,
      );
    case 'AgreementActivated':
      return entry('activated', 'The first payment succeeded; the agreement is active');
    case 'AgreementPurchaseFailed':
      return entry(
        'purchase_failed',
        event.data.reason === 'payment_timeout'
          ? 'The payment did not settle in time'
          : 'The card was declined',
      );
    case 'VehiclesChanged':
      return entry('vehicles_changed', `Vehicles: ${plates(event.data.vehicles)}`);
    case 'PaymentMethodChanged':
      return entry('payment_method_changed', 'Renews with another card');
    case 'AgreementRenewed':
      return entry('renewed', `Renewed until ${event.data.validTo} for ${nok(event.data.amount.amount)}`);
    case 'RenewalFailed':
      return entry('renewal_failed', `The renewal charge failed (${event.data.reason}); it will be retried`);
    case 'AgreementCancelled':
      return entry('cancelled', `Cancelled; ends ${event.data.endsAt}`);
    case 'AgreementWithdrawn':
      return entry(
        'withdrawn',
        event.data.refund ? `Withdrawn; ${nok(event.data.refund.amount.amount)} refunded` : 'Withdrawn',
      );
    case 'AgreementTerminated':
      return entry(
        'terminated',
        `Terminated by the operator: ${event.data.reason}` +
          (event.data.refund ? `; ${nok(event.data.refund.amount.amount)} refunded` : ''),
      );
    case 'AgreementEnded':
      return entry(
        'ended',
        { expired: 'The period ended', cancelled: 'Ended after cancellation', unpaid: 'Ended unpaid' }[
          event.data.reason
        ],
      );
  }
}
