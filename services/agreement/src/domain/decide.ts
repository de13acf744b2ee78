// The Agreement's decisions: each command, given the current state, yields events or a refusal.
// Facts that need I/O (the product, the card, the staff list) are gathered by the handler and passed in.
import { AppError, type FieldError, type Vehicle } from '@parking/contracts';
import type { AgreementEvent, AgreementState, ProductTerms } from './agreement.js';
import {
  daysBetween,
  isValidDate,
  localDate,
  nominalDays,
  periodWindow,
  startOfLocalDate,
} from './period.js';

/** How far ahead a chosen start date may be (PRODUCT.md [90] days). */
export const MAX_START_DAYS_AHEAD = 90;

export interface RequestPurchase {
  type: 'RequestPurchase';
  agreementId: string;
  userId: string;
  product: ProductTerms & { onSale: boolean };
  vehicles: Vehicle[];
  startDate?: string;
  employeeNumber?: string;
  acceptedTermsId: string;
  paymentMethod: { id: string; usable: boolean };
  /** Whether the employee number is on the product's staff list; null when the product has none. */
  employeeOnStaffList: boolean | null;
  /** Whether the employee number already holds a live agreement of this product. */
  employeeHoldsAgreement: boolean;
  now: Date;
}

export interface ActivateAgreement {
  type: 'ActivateAgreement';
  chargeId: string;
  now: Date;
}

export interface FailPurchase {
  type: 'FailPurchase';
  reason: 'payment_declined' | 'payment_timeout';
  now: Date;
}

export interface ChangeVehicles {
  type: 'ChangeVehicles';
  userId: string;
  vehicles: Vehicle[];
  now: Date;
}

export type AgreementCommand = RequestPurchase | ActivateAgreement | FailPurchase | ChangeVehicles;

function vehicleErrors(vehicles: Vehicle[], maxVehicles: number): FieldError[] {
  const errors: FieldError[] = [];
  if (vehicles.length < 1) errors.push({ path: 'vehicles', message: 'at least one vehicle' });
  if (vehicles.length > maxVehicles) {
    errors.push({ path: 'vehicles', message: `this product allows at most ${maxVehicles} vehicle(s)` });
  }
  const seen = new Set<string>();
  vehicles.forEach((v, i) => {
    const key = `${v.country}:${v.plate}`;
    if (seen.has(key)) errors.push({ path: `vehicles.${i}.plate`, message: `${v.plate} is listed twice` });
    seen.add(key);
  });
  return errors;
}

export function requestPurchase(command: RequestPurchase, state: AgreementState): AgreementEvent[] {
  if (state.status !== 'none') throw new AppError('CONFLICT', 'the agreement exists already');
  const { product, now } = command;
  const errors: FieldError[] = [];
  if (!product.onSale) errors.push({ path: 'productId', message: 'the product is not on sale' });
  errors.push(...vehicleErrors(command.vehicles, product.maxVehicles));
  if (command.vehicles.length > 1 && nominalDays(product.period) <= 14) {
    errors.push({ path: 'vehicles', message: 'more than one vehicle only for periods longer than 14 days' });
  }

  let validFrom: Date = now;
  if (product.startPolicy === 'chosen') {
    const today = localDate(now, product.timeZone);
    if (!command.startDate) {
      errors.push({ path: 'startDate', message: 'choose a start date' });
    } else if (!isValidDate(command.startDate)) {
      errors.push({ path: 'startDate', message: 'not a calendar date' });
    } else {
      const ahead = daysBetween(today, command.startDate);
      if (ahead < 0) errors.push({ path: 'startDate', message: `the start date is before today (${today})` });
      else if (ahead > MAX_START_DAYS_AHEAD) {
        errors.push({
          path: 'startDate',
          message: `the start date is more than ${MAX_START_DAYS_AHEAD} days ahead`,
        });
      } else validFrom = startOfLocalDate(command.startDate, product.timeZone);
    }
  }

  const employeeNumber = command.employeeNumber ?? null;
  if (product.requiresEmployeeNumber) {
    if (!employeeNumber)
      errors.push({ path: 'employeeNumber', message: 'this product requires an employee number' });
    else if (command.employeeOnStaffList === false) {
      errors.push({ path: 'employeeNumber', message: 'the employee number is not on the staff list' });
    } else if (command.employeeHoldsAgreement) {
      errors.push({
        path: 'employeeNumber',
        message: 'the employee number already holds an agreement of this product',
      });
    }
  }
  if (command.acceptedTermsId !== product.termsId) {
    errors.push({ path: 'acceptedTermsId', message: 'accept the current terms of the product' });
  }
  if (!command.paymentMethod.usable) {
    errors.push({ path: 'paymentMethodId', message: 'not an active payment method of yours' });
  }
  if (errors.length)
    throw new AppError('RULE_VIOLATED', 'The purchase breaks a rule of the product', { fields: errors });

  const period = periodWindow(
    validFrom,
    product.period,
    1,
    product.timeZone,
    product.startPolicy === 'at_purchase',
  );
  const { onSale: _onSale, ...terms } = product;
  return [
    {
      type: 'AgreementRequested',
      data: {
        agreementId: command.agreementId,
        userId: command.userId,
        product: terms,
        vehicles: command.vehicles,
        employeeNumber: product.requiresEmployeeNumber ? employeeNumber : null,
        acceptedTermsId: command.acceptedTermsId,
        paymentMethodId: command.paymentMethod.id,
        validFrom: period.from.toISOString(),
        validTo: period.to.toISOString(),
        requestedAt: now.toISOString(),
      },
    },
  ];
}

/** The first charge succeeded. A repeat (a redelivered charge event) changes nothing. */
export function activate(command: ActivateAgreement, state: AgreementState): AgreementEvent[] {
  if (state.status === 'none') throw new AppError('NOT_FOUND', 'agreement not found');
  if (state.status !== 'pending_payment') return [];
  return [
    {
      type: 'AgreementActivated',
      data: {
        agreementId: state.agreementId,
        chargeId: command.chargeId,
        activatedAt: command.now.toISOString(),
      },
    },
  ];
}

/** The first charge failed, or did not settle in time. Only a pending purchase can fail. */
export function failPurchase(command: FailPurchase, state: AgreementState): AgreementEvent[] {
  if (state.status === 'none') throw new AppError('NOT_FOUND', 'agreement not found');
  if (state.status !== 'pending_payment') return [];
  return [
    {
      type: 'AgreementPurchaseFailed',
      data: { agreementId: state.agreementId, reason: command.reason, failedAt: command.now.toISOString() },
    },
  ];
}

export function changeVehicles(command: ChangeVehicles, state: AgreementState): AgreementEvent[] {
  if (state.status === 'none' || state.userId !== command.userId)
    throw new AppError('NOT_FOUND', 'agreement not found');
  if (state.status === 'failed')
    throw new AppError('CONFLICT', 'the agreement failed; it has no vehicles to change');
  const errors = vehicleErrors(command.vehicles, state.product.maxVehicles);
  if (errors.length)
    throw new AppError('RULE_VIOLATED', 'The vehicles break a rule of the product', { fields: errors });
  return [
    {
      type: 'VehiclesChanged',
      data: {
        agreementId: state.agreementId,
        vehicles: command.vehicles,
        changedAt: command.now.toISOString(),
      },
    },
  ];
}

export function decide(command: AgreementCommand, state: AgreementState): AgreementEvent[] {
  switch (command.type) {
    case 'RequestPurchase':
      return requestPurchase(command, state);
    case 'ActivateAgreement':
      return activate(command, state);
    case 'FailPurchase':
      return failPurchase(command, state);
    case 'ChangeVehicles':
      return changeVehicles(command, state);
  }
}
