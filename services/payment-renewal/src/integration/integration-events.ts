// What payment-renewal tells other contexts: charges' outcomes, refunds and refused renewals, as the
// contracts' integration events.
import { PAYMENT_EVENTS } from '@parking/contracts/payment';
import type { RecordedEvent } from '@parking/event-store';

const SUBJECTS: Record<string, string> = {
  ChargeSucceeded: PAYMENT_EVENTS.chargeSucceeded,
  ChargeFailed: PAYMENT_EVENTS.chargeFailed,
  RefundIssued: PAYMENT_EVENTS.refundIssued,
  RenewalRefused: PAYMENT_EVENTS.renewalRefused,
};

export function toIntegrationMessage(event: RecordedEvent): { subject: string; data: unknown } | null {
  const subject = SUBJECTS[event.type];
  return subject ? { subject, data: event.data } : null;
}
