// When a renewal charge is taken, at what price, and whether a card lasts until it. Pure: every
// instant comes in as an argument.
import type { Money } from '@parking/contracts';

export interface RenewalTimes {
  /** 72 h before the paid period ends (or its start for periods of 3 days or less). */
  dueAt: Date;
  /** A failed charge is tried again at each of these (48 h before the end, and at the end). */
  retryAt: Date[];
}

/**
 * When a run next takes the renewal: at its due time before any attempt; after an attempt that failed
 * at `failedAt`, at the first retry time after it; null when no retry remains (the agreement then
 * ends at its period end).
 */
export function nextAttemptAt(times: RenewalTimes, failedAt: Date | null): Date | null {
  if (!failedAt) return times.dueAt;
  const next = times.retryAt
    .filter((t) => t.getTime() > failedAt.getTime())
    .sort((a, b) => a.getTime() - b.getTime())[0];
  return next ?? null;
}

/** A product price and the first instant renewal charges use it (30 days after the change). */
export interface ScheduledPrice {
  price: Money;
  effectiveFrom: Date;
}

/**
 * The amount of a renewal charge: the price the agreement was bought at, unless the product's price
 * for renewals at the charge took effect after the agreement started (a change made while it ran,
 * at least 30 days before the charge). A change that took effect before the start was already the
 * price the customer agreed to, or was superseded by the one they bought at.
 */
export function renewalAmount(purchased: Money, inForce: ScheduledPrice | null, agreementStart: Date): Money {
  if (!inForce || inForce.effectiveFrom.getTime() <= agreementStart.getTime()) return purchased;
  return inForce.price;
}

/** Whether a card (valid through the last day of its expiry month, UTC) has expired at `at`. */
export function cardExpiredAt(card: { expMonth: number; expYear: number }, at: Date): boolean {
  const firstInvalid = Date.UTC(card.expYear, card.expMonth, 1); // month is 1-based: this is the next month
  return at.getTime() >= firstInvalid;
}

/** NOK for texts: 125000 øre → "kr 1 250,00". */
export function formatNok(øre: number): string {
  const sign = øre < 0 ? '-' : '';
  const abs = Math.abs(øre);
  const kroner = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${sign}kr ${kroner},${String(abs % 100).padStart(2, '0')}`;
}
