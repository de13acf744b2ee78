// Agreements: purchase, vehicles, renewal, cancel, end (requests and integration events).
import { z } from 'zod';
import type { Money } from '../common/money.js';
import { vehicleSchema, type Vehicle } from '../common/plate.js';

export const AGREEMENT_SUBJECTS = {
  purchase: 'agreement.purchase',
  get: 'agreement.get',
  list: 'agreement.list',
  history: 'agreement.history',
  listVehicles: 'agreement.vehicles.list',
  changeVehicles: 'agreement.vehicles.change',
  cancel: 'agreement.cancel',
  withdraw: 'agreement.withdraw',
  changePaymentMethod: 'agreement.payment-method.change',
  adminList: 'agreement.admin.list',
  adminGet: 'agreement.admin.get',
  adminHistory: 'agreement.admin.history',
  terminate: 'agreement.admin.terminate',
  /** Internal (the renewal run): end every agreement of the operator whose paid period is over at `asOf`. */
  endDue: 'agreement.end-due',
} as const;

export type HistoryType =
  | 'purchased'
  | 'activated'
  | 'purchase_failed'
  | 'vehicles_changed'
  | 'payment_method_changed'
  | 'renewed'
  | 'renewal_failed'
  | 'cancelled'
  | 'withdrawn'
  | 'terminated'
  | 'ended';
export interface HistoryEntry {
  type: HistoryType;
  at: string;
  summary: string;
}
export interface AdminHistoryEntry extends HistoryEntry {
  actor: { kind: string; id?: string } | null;
}

const id = z.string().min(1).max(100);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

export const purchaseSchema = z.object({
  productId: id,
  vehicles: z.array(vehicleSchema).min(1, 'at least one vehicle').max(3, 'at most 3 vehicles'),
  startDate: date.optional(),
  employeeNumber: z.string().trim().min(1).max(40).optional(),
  acceptedTermsId: id,
  paymentMethodId: id,
});
export type PurchaseBody = z.infer<typeof purchaseSchema>;
/** What the gateway sends: the body plus the idempotency key and how long to wait for the first charge. */
export const purchaseRequestSchema = purchaseSchema.extend({
  idempotencyKey: z.string().min(1).max(255).optional(),
  waitMs: z.number().int().min(0).max(10_000).default(5_000),
});
export type PurchaseRequest = z.infer<typeof purchaseRequestSchema>;

export const changePaymentMethodSchema = z.object({ agreementId: id, paymentMethodId: id });
export const terminateSchema = z.object({
  agreementId: id,
  reason: z.string().trim().min(1).max(500),
  refund: z.enum(['none', 'pro_rata']),
});
export const adminSearchSchema = z.object({
  plate: z.string().max(20).optional(),
  userId: id.optional(),
  productId: id.optional(),
});
export const endDueSchema = z.object({ asOf: z.iso.datetime({ offset: true }) });

export const getAgreementSchema = z.object({ agreementId: id });
export const changeVehiclesSchema = z.object({
  agreementId: id,
  vehicles: z.array(vehicleSchema).min(1).max(3),
});

export type AgreementStatus =
  'pending_payment' | 'failed' | 'active' | 'past_due' | 'cancelled_at_period_end' | 'ended';

export interface Agreement {
  id: string;
  status: AgreementStatus;
  product: { id: string; name: string; locationId: string };
  vehicles: Vehicle[];
  zones: { id: string; name: string }[];
  validFrom: string;
  validTo: string;
  autoRenew: boolean;
  nextRenewalAt: string | null;
  endsAt: string | null;
  employeeNumber: string | null;
  paymentMethodId: string;
  createdAt: string;
  userId: string;
  price: Money;
}

/** Integration events on `parking.agreement.<type>`. */
export const AGREEMENT_EVENTS = {
  requested: 'parking.agreement.AgreementRequested',
  activated: 'parking.agreement.AgreementActivated',
  purchaseFailed: 'parking.agreement.AgreementPurchaseFailed',
  vehiclesChanged: 'parking.agreement.VehiclesChanged',
  renewed: 'parking.agreement.AgreementRenewed',
  renewalFailed: 'parking.agreement.RenewalFailed',
  paymentMethodChanged: 'parking.agreement.PaymentMethodChanged',
  cancelled: 'parking.agreement.AgreementCancelled',
  withdrawn: 'parking.agreement.AgreementWithdrawn',
  terminated: 'parking.agreement.AgreementTerminated',
  ended: 'parking.agreement.AgreementEnded',
} as const;

/** What enforcement needs to answer a check: carried by every agreement integration event. */
export interface ValiditySnapshot {
  agreementId: string;
  status: AgreementStatus;
  vehicles: Vehicle[];
  zoneIds: string[];
  validFrom: string;
  validTo: string;
}

/** The first charge is due: payment-renewal charges `amount` with `paymentMethodId` (key: agreementId + 1). */
export interface AgreementRequested {
  agreementId: string;
  userId: string;
  productId: string;
  productName: string;
  paymentMethodId: string;
  amount: Money;
  vatRate: number;
  periodNumber: number;
  period: { from: string; to: string };
  snapshot: ValiditySnapshot;
}
/**
 * Every other agreement integration event: the snapshot, plus what payment-renewal needs to charge the
 * next period and to refund the last paid one.
 */
export interface AgreementChanged {
  agreementId: string;
  userId: string;
  snapshot: ValiditySnapshot;
  productId?: string;
  productName?: string;
  paymentMethodId?: string;
  employeeNumber?: string | null;
  autoRenew?: boolean;
  vatRate?: number;
  /** The next period to charge (auto-renewing agreements that will renew), with when it is due. */
  renewal?: RenewalDue | null;
  /** The last period paid for. */
  paidPeriod?: { periodNumber: number; from: string; to: string; amount: Money } | null;
  /** AgreementWithdrawn / AgreementTerminated: what to refund of the last paid period (null: nothing). */
  refund?: { periodNumber: number; amount: Money } | null;
  /** AgreementEnded / Withdrawn / Terminated: why and when. */
  reason?: string;
  endedAt?: string;
}

export interface RenewalDue {
  periodNumber: number;
  period: { from: string; to: string };
  /** 72 h before the paid period ends, or at its start when the period is 3 days or shorter. */
  dueAt: string;
  /** Retries of a failed charge: 48 h before the paid period ends, and at its end. */
  retryAt: string[];
  /** The price at purchase; payment-renewal applies a later price change in force at the charge. */
  amount: Money;
}
