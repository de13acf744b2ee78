// Payments: stored cards (PSP tokens), charges, refunds, receipts.
import { z } from 'zod';
import type { Money } from '../common/money.js';

export const PAYMENT_SUBJECTS = {
  addMethod: 'payment.methods.add',
  confirmMethod: 'payment.methods.confirm',
  listMethods: 'payment.methods.list',
  /** Internal: a method of the caller, for the agreement service to check at purchase. */
  getMethod: 'payment.methods.get',
  listReceipts: 'payment.receipts.list',
  getReceipt: 'payment.receipts.get',
} as const;

export const addPaymentMethodSchema = z.object({ token: z.string().min(1).max(200) });
export const confirmPaymentMethodSchema = z.object({
  paymentMethodId: z.string().min(1).max(100),
  code: z.string().min(1).max(20),
});
export const getPaymentMethodSchema = z.object({ paymentMethodId: z.string().min(1).max(100) });

export interface PaymentMethod {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  status: 'requires_action' | 'active';
  challenge?: { challengeId: string; kind: 'otp' | 'redirect'; redirectUrl?: string };
}

export interface Receipt {
  id: string;
  number: number;
  kind: 'charge' | 'refund';
  agreementId: string;
  issuedAt: string;
  seller: { name: string; organisationNumber: string; address: string };
  buyer: { userId: string; name: string | null };
  product: { id: string; name: string };
  plates: string[];
  period: { from: string; to: string };
  lines: { text: string; amount: Money }[];
  total: Money;
  vat: Money;
  net: Money;
  vatRate: number;
}

/** Integration events on `parking.payment.<type>`. */
export const PAYMENT_EVENTS = {
  chargeSucceeded: 'parking.payment.ChargeSucceeded',
  chargeFailed: 'parking.payment.ChargeFailed',
  refundIssued: 'parking.payment.RefundIssued',
} as const;
export interface RefundIssued {
  refundId: string;
  agreementId: string;
  periodNumber: number;
  amount: Money;
  receiptId: string;
  refundedAt: string;
}
export interface ChargeSucceeded {
  chargeId: string;
  agreementId: string;
  /** 1 = the purchase, 2.. = renewals. The charge's idempotency key is agreementId + periodNumber. */
  periodNumber: number;
  amount: Money;
  receiptId: string;
  chargedAt: string;
}
export interface ChargeFailed {
  chargeId: string;
  agreementId: string;
  periodNumber: number;
  amount: Money;
  reason: 'declined' | 'insufficient_funds' | 'authentication_required' | 'processing_error';
  failedAt: string;
}
