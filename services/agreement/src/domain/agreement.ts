// The Agreement aggregate: its events, its state (one shape per status) and evolve.
import type { Money, Vehicle } from '@parking/contracts';
import type { PeriodSpec } from './period.js';

/** The product as it was sold: an agreement keeps the terms of its purchase. */
export interface ProductTerms {
  id: string;
  name: string;
  locationId: string;
  timeZone: string;
  zones: { id: string; name: string }[];
  price: Money;
  vatRate: number;
  period: PeriodSpec;
  autoRenew: boolean;
  maxVehicles: number;
  startPolicy: 'chosen' | 'at_purchase';
  requiresEmployeeNumber: boolean;
  termsId: string;
}

export interface AgreementRequested {
  type: 'AgreementRequested';
  data: {
    agreementId: string;
    userId: string;
    product: ProductTerms;
    vehicles: Vehicle[];
    employeeNumber: string | null;
    acceptedTermsId: string;
    paymentMethodId: string;
    /** The first period: validity once the first charge succeeds. */
    validFrom: string;
    validTo: string;
    requestedAt: string;
  };
}
export interface AgreementActivated {
  type: 'AgreementActivated';
  data: { agreementId: string; chargeId: string; activatedAt: string };
}
export interface AgreementPurchaseFailed {
  type: 'AgreementPurchaseFailed';
  data: { agreementId: string; reason: 'payment_declined' | 'payment_timeout'; failedAt: string };
}
export interface VehiclesChanged {
  type: 'VehiclesChanged';
  data: { agreementId: string; vehicles: Vehicle[]; changedAt: string };
}

export type AgreementEvent =
  AgreementRequested | AgreementActivated | AgreementPurchaseFailed | VehiclesChanged;
export type AgreementEventType = AgreementEvent['type'];

interface Common {
  agreementId: string;
  userId: string;
  product: ProductTerms;
  vehicles: Vehicle[];
  employeeNumber: string | null;
  acceptedTermsId: string;
  paymentMethodId: string;
  validFrom: string;
  validTo: string;
  createdAt: string;
}

export type AgreementState =
  | { status: 'none' }
  | (Common & { status: 'pending_payment' })
  | (Common & { status: 'active'; activatedAt: string; chargeIds: string[] })
  | (Common & { status: 'failed'; failedAt: string; failureReason: string });

export const initialState = (): AgreementState => ({ status: 'none' });

export function evolve(state: AgreementState, event: AgreementEvent): AgreementState {
  switch (event.type) {
    case 'AgreementRequested': {
      const d = event.data;
      return {
        status: 'pending_payment',
        agreementId: d.agreementId,
        userId: d.userId,
        product: d.product,
        vehicles: d.vehicles,
        employeeNumber: d.employeeNumber,
        acceptedTermsId: d.acceptedTermsId,
        paymentMethodId: d.paymentMethodId,
        validFrom: d.validFrom,
        validTo: d.validTo,
        createdAt: d.requestedAt,
      };
    }
    case 'AgreementActivated':
      if (state.status !== 'pending_payment') return state;
      return {
        ...state,
        status: 'active',
        activatedAt: event.data.activatedAt,
        chargeIds: [event.data.chargeId],
      };
    case 'AgreementPurchaseFailed':
      if (state.status !== 'pending_payment') return state;
      return { ...state, status: 'failed', failedAt: event.data.failedAt, failureReason: event.data.reason };
    case 'VehiclesChanged':
      if (state.status === 'none') return state;
      return { ...state, vehicles: event.data.vehicles };
  }
}
