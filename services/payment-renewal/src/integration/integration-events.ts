// What payment-renewal tells other contexts: a charge's outcome, as the contracts' integration events.
import { PAYMENT_EVENTS } from '@parking/contracts/payment';
import type { RecordedEvent } from '@parking/event-store';

export function toIntegrationMessage(event: RecordedEvent): { subject: string; data: unknown } | null {
  if (event.type === 'ChargeSucceeded') return { subject: PAYMENT_EVENTS.chargeSucceeded, data: event.data };
  if (event.type === 'ChargeFailed') return { subject: PAYMENT_EVENTS.chargeFailed, data: event.data };
  return null;
}
