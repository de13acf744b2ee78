import { describe, expect, it } from '@jest/globals';
import { PAYMENT_EVENTS } from '@parking/contracts/payment';
import type { RecordedEvent } from '@parking/event-store';
import { toIntegrationMessage } from './integration-events.js';

const recorded = (type: string) => ({ type, data: { agreementId: 'a' } }) as unknown as RecordedEvent;

describe('integration events of payments', () => {
  it('publishes charges, refunds and refused renewals on their subjects', () => {
    expect(toIntegrationMessage(recorded('ChargeSucceeded'))?.subject).toBe(PAYMENT_EVENTS.chargeSucceeded);
    expect(toIntegrationMessage(recorded('ChargeFailed'))?.subject).toBe(PAYMENT_EVENTS.chargeFailed);
    expect(toIntegrationMessage(recorded('RefundIssued'))).toEqual({
      subject: PAYMENT_EVENTS.refundIssued,
      data: { agreementId: 'a' },
    });
    expect(toIntegrationMessage(recorded('RenewalRefused'))?.subject).toBe(PAYMENT_EVENTS.renewalRefused);
  });
  it('keeps anything else to itself', () => {
    expect(toIntegrationMessage(recorded('SomethingInternal'))).toBeNull();
  });
});
