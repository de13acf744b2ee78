// What the agreement service tells other contexts: its domain events as the integration events of
// `@parking/contracts/agreement`, each carrying the validity snapshot enforcement needs.
import {
  AGREEMENT_EVENTS,
  type AgreementChanged,
  type AgreementRequested as AgreementRequestedMessage,
} from '@parking/contracts/agreement';
import type { RecordedEvent } from '@parking/event-store';
import { evolve, initialState, type AgreementEvent, type AgreementState } from '../domain/agreement.js';
import { toSnapshot } from '../domain/view.js';

const SUBJECTS: Record<AgreementEvent['type'], string> = {
  AgreementRequested: AGREEMENT_EVENTS.requested,
  AgreementActivated: AGREEMENT_EVENTS.activated,
  AgreementPurchaseFailed: AGREEMENT_EVENTS.purchaseFailed,
  VehiclesChanged: AGREEMENT_EVENTS.vehiclesChanged,
};

/** Maps an event, given the agreement's events up to and including it, to its integration message. */
export function toIntegrationMessage(
  event: RecordedEvent,
  history: RecordedEvent[],
): { subject: string; data: unknown } | null {
  const subject = SUBJECTS[event.type as AgreementEvent['type']];
  if (!subject) return null;
  const state = history
    .filter((e) => e.streamVersion <= event.streamVersion)
    .reduce<AgreementState>(
      (s, e) => evolve(s, { type: e.type, data: e.data } as AgreementEvent),
      initialState(),
    );
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
  const data: AgreementChanged = { agreementId: state.agreementId, userId: state.userId, snapshot };
  return { subject, data };
}
