// What a customer may still do with an agreement, from its state and the clock (the API decides; these
// only choose which buttons to show).

export type AgreementStatus =
  'pending_payment' | 'failed' | 'active' | 'past_due' | 'cancelled_at_period_end' | 'ended';

export interface AgreementLike {
  status: AgreementStatus;
  autoRenew: boolean;
  createdAt: string;
}

export const WITHDRAWAL_DAYS = 14;
const DAY_MS = 24 * 3600 * 1000;

const LIVE: AgreementStatus[] = ['active', 'past_due', 'cancelled_at_period_end'];

export function canChangeVehicles(a: AgreementLike): boolean {
  return LIVE.includes(a.status);
}

export function canCancel(a: AgreementLike): boolean {
  return a.autoRenew && (a.status === 'active' || a.status === 'past_due');
}

/** «Angrerett»: within 14 days of the first purchase, while the agreement still runs. */
export function canWithdraw(a: AgreementLike, now: Date): boolean {
  return LIVE.includes(a.status) && now.getTime() - Date.parse(a.createdAt) < WITHDRAWAL_DAYS * DAY_MS;
}

/** Home lists the agreements that still matter first: live ones, then pending, then the rest. */
export function homeOrder<T extends AgreementLike>(items: readonly T[]): T[] {
  const rank = (s: AgreementStatus) => (LIVE.includes(s) ? 0 : s === 'pending_payment' ? 1 : 2);
  return [...items].sort((a, b) => rank(a.status) - rank(b.status));
}

/** «Bytt kort»: the card an auto-renewing agreement renews with can change while it still renews. */
export function canChangeCard(a: AgreementLike): boolean {
  return a.autoRenew && (a.status === 'active' || a.status === 'past_due');
}
