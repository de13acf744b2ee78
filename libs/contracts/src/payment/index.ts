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
  /** The customer removes a card (refused while an auto-renewing agreement renews with it). */
  removeMethod: 'payment.methods.remove',
  /** Operator: the operator's receipts in a time range (JSON pages, or CSV rows for the ledger). */
  adminListReceipts: 'payment.admin.receipts.list',
  adminReceiptsCsv: 'payment.admin.receipts.csv',
  /** Operator: do everything due at `asOf` (renewal charges, retries, ending agreements). */
  runRenewals: 'payment.renewals.run',
  /**
   * Internal: the settled charge of one agreement period, if any — asked by the agreement service before
   * it ends an agreement as unpaid, since the charge's event may still be on its way.
   */
  settledCharge: 'payment.charges.settled',
  /**
   * A PSP notification as received by the gateway: the raw body and its signature header
   * (`psp-signature` of the sandbox, `stripe-signature` of Stripe, told by `scheme`).
   */
  pspWebhook: 'payment.psp.webhook',
} as const;

export const addPaymentMethodSchema = z.object({
  token: z.string().min(1).max(200),
  /**
   * Where a redirect-type 3-D Secure challenge sends the card holder back to (the portal's purchase):
   * https on one of the operator's hosts (http on a loopback host in development).
   */
  returnUrl: z.url().max(2000).optional(),
});
export const confirmPaymentMethodSchema = z.object({
  paymentMethodId: z.string().min(1).max(100),
  /** The one-time code of an `otp` challenge; none after a `redirect` challenge (the PSP is asked). */
  code: z.string().min(1).max(20).optional(),
});
export const getPaymentMethodSchema = z.object({ paymentMethodId: z.string().min(1).max(100) });
export const removePaymentMethodSchema = getPaymentMethodSchema;

const instant = z.iso.datetime({ offset: true });
/** A bound of a receipt export: an instant with an offset, or a calendar date (Europe/Oslo). */
const receiptBound = z.union([instant, z.iso.date()]);
export const adminReceiptsSchema = z.object({
  from: receiptBound.optional(),
  to: receiptBound.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(100).optional(),
});
export const adminReceiptsCsvSchema = adminReceiptsSchema.extend({
  limit: z.coerce.number().int().min(1).max(5_000).default(5_000),
});
export const runRenewalsSchema = z.object({ asOf: instant.optional() });
export interface RenewalRun {
  /** Renewals taken by this run (charged, failed, or refused). */
  due: number;
  charged: number;
  failed: number;
  /** Agreements the agreement service ended because their paid period is over. */
  ended: number;
}
export const pspWebhookSchema = z.object({
  payload: z.string().max(64 * 1024),
  signature: z.string().max(1000),
  /** Whose signing scheme: the sandbox's (`psp-signature`, the default) or Stripe's (`stripe-signature`). */
  scheme: z.enum(['sandbox', 'stripe']).default('sandbox'),
});
/** The sandbox PSP's notification (a real PSP's adapter maps its own format to this). */
export const pspNotificationSchema = z.object({
  type: z.enum(['charge.succeeded', 'charge.failed']),
  idempotencyKey: z.string().min(1).max(300),
  pspChargeId: z.string().max(200).optional(),
  reason: z
    .enum(['declined', 'insufficient_funds', 'authentication_required', 'processing_error'])
    .optional(),
});

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
  /** A renewal was not charged because the agreement may not renew (e.g. the employee left the staff list). */
  renewalRefused: 'parking.payment.RenewalRefused',
} as const;
export interface RenewalRefused {
  agreementId: string;
  periodNumber: number;
  reason: 'not_on_staff_list';
  refusedAt: string;
}
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

export const settledChargeSchema = z.object({
  agreementId: z.string().min(1).max(100),
  periodNumber: z.number().int().min(1),
});
export interface SettledCharge {
  chargeId: string;
  amount: Money;
  chargedAt: string;
}
