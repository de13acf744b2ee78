// The public view of an agreement (API.md `Agreement`) and its validity snapshot for enforcement.
import type { Agreement, ValiditySnapshot } from '@parking/contracts/agreement';
import type { AgreementState } from './agreement.js';

/** Renewal charges are made 72 hours before a period ends, or at its start when it is 3 days or shorter. */
export const RENEWAL_LEAD_MS = 72 * 3_600_000;

type Existing = Exclude<AgreementState, { status: 'none' }>;

export function nextRenewalAt(state: Existing): string | null {
  if (!state.product.autoRenew || state.status !== 'active') return null;
  const from = Date.parse(state.validFrom);
  const to = Date.parse(state.validTo);
  return new Date(to - from <= RENEWAL_LEAD_MS ? from : to - RENEWAL_LEAD_MS).toISOString();
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
    endsAt: state.product.autoRenew ? null : state.validTo,
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
