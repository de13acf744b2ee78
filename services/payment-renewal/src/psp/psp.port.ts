// The port a card processor (PSP) plugs into. The platform only ever holds the PSP's references.
import type { Money } from '@parking/contracts';

export interface CardAdded {
  status: 'active' | 'requires_action' | 'declined';
  pspRef: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  /** For `requires_action`: the issuer's 3-D Secure challenge. */
  challenge?: { challengeId: string; kind: 'otp' | 'redirect'; redirectUrl?: string; code?: string };
}

export interface ChargeResult {
  /** `pending`: settled later through the PSP's signed webhook (asynchronous settlement). */
  status: 'succeeded' | 'failed' | 'pending';
  pspChargeId: string;
  reason?: 'declined' | 'insufficient_funds' | 'authentication_required' | 'processing_error';
}

export interface PspPort {
  /**
   * `provider`: the operator's `psp.provider` (a router picks the adapter by it); `returnUrl`: where a
   * redirect-type 3-D Secure challenge sends the card holder back to (the portal's purchase).
   */
  addCard(input: {
    token: string;
    operatorAccount: string;
    provider?: string;
    returnUrl?: string;
  }): Promise<CardAdded>;
  confirmCard(input: { pspRef: string; challengeId: string; code: string }): Promise<'active' | 'wrong_code'>;
  /** Charges once per idempotency key: a repeat returns the first result and moves no money. */
  charge(input: {
    pspRef: string;
    amount: Money;
    idempotencyKey: string;
    operatorAccount: string;
  }): Promise<ChargeResult>;
  refund(input: {
    pspChargeId: string;
    amount: Money;
    idempotencyKey: string;
  }): Promise<{ status: 'succeeded' | 'failed'; pspRefundId: string }>;
}
