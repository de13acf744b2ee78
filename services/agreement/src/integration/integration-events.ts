// What the agreement service tells other contexts: its domain events as the integration events of
// `@parking/contracts/agreement`, each carrying the validity snapshot enforcement needs.
import {
  AGREEMENT_EVENTS,
  type AgreementChanged,
  type AgreementRequested as AgreementRequestedMessage,
} from '@parking/contracts/agreement';
import type { RecordedEvent, StreamFold } from '@parking/event-store';
import { evolve, initialState, type AgreementEvent, type AgreementState } from '../domain/agreement.js';
import { renewalDue, toSnapshot } from '../domain/view.js';

const SUBJECTS: Record<AgreementEvent['type'], string> = {
  AgreementRequested: AGREEMENT_EVENTS.requested,
  AgreementActivated: AGREEMENT_EVENTS.activated,
  AgreementPurchaseFailed: AGREEMENT_EVENTS.purchaseFailed,
  VehiclesChanged: AGREEMENT_EVENTS.vehiclesChanged,
  PaymentMethodChanged: AGREEMENT_EVENTS.paymentMethodChanged,
  AgreementRenewed: AGREEMENT_EVENTS.renewed,
  RenewalFailed: AGREEMENT_EVENTS.renewalFailed,
  AgreementCancelled: AGREEMENT_EVENTS.cancelled,
  AgreementWithdrawn: AGREEMENT_EVENTS.withdrawn,
  AgreementTerminated: AGREEMENT_EVENTS.terminated,
  AgreementEnded: AGREEMENT_EVENTS.ended,
};

/** How the outbox keeps an agreement's state, so each message is built from it without a stream read. */
export const agreementFold: StreamFold<AgreementState> = {
  streamType: 'agreement',
  initialState,
  evolve: (state, e) => evolve(state, { type: e.type, data: e.data } as AgreementEvent),
};

/** Maps an event, given the agreement's state right after it, to its integration message. */
export function toIntegrationMessage(
  event: RecordedEvent,
  state: AgreementState | undefined,
): { subject: string; data: unknown } | null {
  const subject = SUBJECTS[event.type as AgreementEvent['type']];
  if (!subject || !state) return null;
  if (state.status === 'none') return null;
  const snapshot = toSnapshot(state);
  if (event.type === 'AgreementRequested') {
    const data: AgreementRequestedMessage = {
      agreementId: state.agreementId,
      userId: state.userId,
      productId: state.product.id,
      productName: state.product.name,
      paymentMethodId: state.paymentMethodId,
      amount: state.product.price,
      vatRate: state.product.vatRate,
      periodNumber: 1,
      period: { from: state.validFrom, to: state.validTo },
      snapshot,
    };
    return { subject, data };
  }
  const last = state.paidPeriods.at(-1);
  const domainEvent = { type: event.type, data: event.data } as AgreementEvent;
  const data: AgreementChanged = {
    agreementId: state.agreementId,
    userId: state.userId,
    snapshot,
    productId: state.product.id,
    productName: state.product.name,
    paymentMethodId: state.paymentMethodId,
    employeeNumber: state.employeeNumber,
    autoRenew: state.product.autoRenew,
    vatRate: state.product.vatRate,
    renewal: renewalDue(state),
    paidPeriod: last
      ? { periodNumber: last.periodNumber, from: last.from, to: last.to, amount: last.amount }
      : null,
    ...(domainEvent.type === 'AgreementWithdrawn' || domainEvent.type === 'AgreementTerminated'
      ? { refund: domainEvent.data.refund }
      : {}),
    ...(state.status === 'ended' ? { endedAt: state.endedAt, reason: state.endReason } : {}),
  };
  return { subject, data };
}
