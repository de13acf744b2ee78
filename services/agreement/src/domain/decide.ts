// The Agreement's decisions: each command, given the current state, yields events or a refusal.
// Facts that need I/O (the product, the card, the staff list) are gathered by the handler and passed in.
import { AppError, type FieldError, type Money, type Vehicle } from '@parking/contracts';
import {
  isLive,
  type AgreementEvent,
  type AgreementState,
  type EndReason,
  type LiveState,
  type ProductTerms,
  type Refund,
} from './agreement.js';
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

export interface ChangePaymentMethod {
  type: 'ChangePaymentMethod';
  userId: string;
  paymentMethod: { id: string; usable: boolean };
  now: Date;
}

/** payment-renewal charged the next period. */
export interface RenewAgreement {
  type: 'RenewAgreement';
  periodNumber: number;
  chargeId: string;
  amount: Money;
  now: Date;
}

export interface FailRenewal {
  type: 'FailRenewal';
  periodNumber: number;
  reason: string;
  now: Date;
}

export interface Cancel {
  type: 'Cancel';
  userId: string;
  now: Date;
}

export interface Withdraw {
  type: 'Withdraw';
  userId: string;
  now: Date;
}

export interface Terminate {
  type: 'Terminate';
  reason: string;
  refund: 'none' | 'pro_rata';
  now: Date;
}

/** The renewal run: ends what is over at `now`, fails a purchase unpaid after 15 minutes. */
export interface EndIfOver {
  type: 'EndIfOver';
  now: Date;
}

export type AgreementCommand =
  | RequestPurchase
  | ActivateAgreement
  | FailPurchase
  | ChangeVehicles
  | ChangePaymentMethod
  | RenewAgreement
  | FailRenewal
  | Cancel
  | Withdraw
  | Terminate
  | EndIfOver;

/** The right of withdrawal («angrerett»): 14 days from the first purchase. */
export const WITHDRAWAL_DAYS = 14;
/** A purchase whose first charge has not settled in 15 minutes fails and frees its place. */
export const PAYMENT_TIMEOUT_MS = 15 * 60_000;

/**
 * Pro rata (PRODUCT.md): the paid amount × the share of the paid period's seconds still unused,
 * rounded down to the øre. A period not started yet is wholly unused.
 */
export function proRata(amount: number, from: string, to: string, now: Date): number {
  const start = Date.parse(from);
  const end = Date.parse(to);
  const unusedFrom = Math.max(now.getTime(), start);
  if (unusedFrom >= end || end <= start) return 0;
  const unusedSeconds = Math.floor((end - unusedFrom) / 1000);
  const periodSeconds = Math.floor((end - start) / 1000);
  return Math.min(amount, Math.floor((amount * unusedSeconds) / periodSeconds));
}

function refundOfLastPeriod(state: LiveState, now: Date): Refund | null {
  const last = state.paidPeriods.at(-1);
  if (!last) return null;
  const amount = proRata(last.amount.amount, last.from, last.to, now);
  return amount > 0
    ? { periodNumber: last.periodNumber, amount: { amount, currency: last.amount.currency } }
    : null;
}

function owned(state: AgreementState, userId: string): Exclude<AgreementState, { status: 'none' }> {
  if (state.status === 'none' || state.userId !== userId)
    throw new AppError('NOT_FOUND', 'agreement not found');
  return state;
}

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
  if (state.status === 'failed' || state.status === 'ended')
    throw new AppError('CONFLICT', `the agreement is ${state.status}; it has no vehicles to change`);
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

export function changePaymentMethod(command: ChangePaymentMethod, state: AgreementState): AgreementEvent[] {
  const current = owned(state, command.userId);
  if (!isLive(current)) throw new AppError('CONFLICT', `the agreement is ${current.status}`);
  if (!command.paymentMethod.usable) {
    throw new AppError('RULE_VIOLATED', 'Not a usable card', {
      fields: [{ path: 'paymentMethodId', message: 'not an active payment method of yours' }],
    });
  }
  if (current.paymentMethodId === command.paymentMethod.id) return [];
  return [
    {
      type: 'PaymentMethodChanged',
      data: {
        agreementId: current.agreementId,
        paymentMethodId: command.paymentMethod.id,
        changedAt: command.now.toISOString(),
      },
    },
  ];
}

/** The charge of the next period succeeded: validity moves one period forward at once. */
export function renew(command: RenewAgreement, state: AgreementState, validTo: string): AgreementEvent[] {
  if (state.status === 'none') throw new AppError('NOT_FOUND', 'agreement not found');
  if (!isLive(state)) return [];
  const paid = state.paidPeriods.at(-1)?.periodNumber ?? 0;
  // A redelivered charge, or one that is not the next period: nothing to do.
  if (command.periodNumber !== paid + 1) return [];
  return [
    {
      type: 'AgreementRenewed',
      data: {
        agreementId: state.agreementId,
        periodNumber: command.periodNumber,
        chargeId: command.chargeId,
        amount: command.amount,
        validTo,
        renewedAt: command.now.toISOString(),
      },
    },
  ];
}

export function failRenewal(command: FailRenewal, state: AgreementState): AgreementEvent[] {
  if (state.status === 'none') throw new AppError('NOT_FOUND', 'agreement not found');
  if (state.status !== 'active' && state.status !== 'past_due') return [];
  const paid = state.paidPeriods.at(-1)?.periodNumber ?? 0;
  if (command.periodNumber !== paid + 1) return [];
  return [
    {
      type: 'RenewalFailed',
      data: {
        agreementId: state.agreementId,
        periodNumber: command.periodNumber,
        reason: command.reason,
        failedAt: command.now.toISOString(),
      },
    },
  ];
}

/** Stops renewing: the agreement ends at the end of the paid period. Nothing is refunded. */
export function cancel(command: Cancel, state: AgreementState): AgreementEvent[] {
  const current = owned(state, command.userId);
  if (current.status === 'cancelled_at_period_end') return [];
  if (current.status !== 'active' && current.status !== 'past_due')
    throw new AppError('CONFLICT', `the agreement is ${current.status}`);
  if (!current.product.autoRenew)
    throw new AppError('CONFLICT', 'a one-off agreement ends at its period end without cancelling');
  return [
    {
      type: 'AgreementCancelled',
      data: {
        agreementId: current.agreementId,
        cancelledAt: command.now.toISOString(),
        endsAt: current.validTo,
      },
    },
  ];
}

/** «Angrerett»: within 14 days of the first purchase the agreement ends now, the unused share refunded. */
export function withdraw(command: Withdraw, state: AgreementState): AgreementEvent[] {
  const current = owned(state, command.userId);
  if (!isLive(current)) throw new AppError('CONFLICT', `the agreement is ${current.status}`);
  const deadline = Date.parse(current.createdAt) + WITHDRAWAL_DAYS * 86_400_000;
  if (command.now.getTime() > deadline) {
    throw new AppError('CONFLICT', `the right of withdrawal ended ${new Date(deadline).toISOString()}`);
  }
  return [
    {
      type: 'AgreementWithdrawn',
      data: {
        agreementId: current.agreementId,
        withdrawnAt: command.now.toISOString(),
        refund: refundOfLastPeriod(current, command.now),
      },
    },
  ];
}

/** An operator ends the agreement at once, refunding the unused share or nothing. */
export function terminate(command: Terminate, state: AgreementState): AgreementEvent[] {
  if (state.status === 'none') throw new AppError('NOT_FOUND', 'agreement not found');
  if (!isLive(state)) throw new AppError('CONFLICT', `the agreement is ${state.status}`);
  return [
    {
      type: 'AgreementTerminated',
      data: {
        agreementId: state.agreementId,
        terminatedAt: command.now.toISOString(),
        reason: command.reason,
        refund: command.refund === 'pro_rata' ? refundOfLastPeriod(state, command.now) : null,
      },
    },
  ];
}

export function endIfOver(command: EndIfOver, state: AgreementState): AgreementEvent[] {
  const now = command.now;
  if (state.status === 'pending_payment') {
    if (now.getTime() - Date.parse(state.createdAt) < PAYMENT_TIMEOUT_MS) return [];
    return failPurchase({ type: 'FailPurchase', reason: 'payment_timeout', now }, state);
  }
  if (!isLive(state) || Date.parse(state.validTo) > now.getTime()) return [];
  const reason: EndReason =
    state.status === 'cancelled_at_period_end' ? 'cancelled' : state.product.autoRenew ? 'unpaid' : 'expired';
  // Ended at its period end, which is when it stopped being valid (the run may come later).
  return [
    { type: 'AgreementEnded', data: { agreementId: state.agreementId, endedAt: state.validTo, reason } },
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
    case 'ChangePaymentMethod':
      return changePaymentMethod(command, state);
    case 'RenewAgreement':
      return renew(command, state, nextValidTo(state));
    case 'FailRenewal':
      return failRenewal(command, state);
    case 'Cancel':
      return cancel(command, state);
    case 'Withdraw':
      return withdraw(command, state);
    case 'Terminate':
      return terminate(command, state);
    case 'EndIfOver':
      return endIfOver(command, state);
  }
}

/** The end of the period after the last paid one, counted from the first start. */
export function nextValidTo(state: AgreementState): string {
  if (state.status === 'none') return '';
  const paid = state.paidPeriods.at(-1)?.periodNumber ?? 1;
  return periodWindow(
    new Date(state.firstStart),
    state.product.period,
    paid + 1,
    state.product.timeZone,
    state.product.startPolicy === 'at_purchase',
  ).to.toISOString();
}
