// Every agreement event (`parking.agreement.*`): keeps the renewal read model; records the refunds the
// agreement decided — the unused share of every paid period on a withdrawal or pro-rata termination,
// a charge it refused (ChargeRejected) in full — and texts an operator's termination; retries a
// past-due renewal at once when its card changed. PSP calls happen after the event's transaction.
import type { AgreementChanged } from '@parking/contracts/agreement';
import type { ConsumedEvent } from '@parking/messaging';
import type pg from 'pg';
import { recordRefundIntent, settleRefund, type RefundIntent } from '../../charging/refunds.js';
import type { Deps } from '../../deps.js';
import { localDay } from '../../domain/dates.js';
import { enqueueNotifications } from '../../notifications/notifications.js';
import { applyAgreementEvent } from '../../projections/renewals/renewals.projection.js';

export interface AgreementChangedReaction {
  (event: ConsumedEvent, tx: pg.PoolClient): Promise<void>;
  /** Resolves when every refund started so far has ended (tests, shutdown). */
  drain(): Promise<void>;
}

/** The refunds an agreement event asks for. */
export function refundsOf(event: ConsumedEvent): RefundIntent[] {
  const d = event.data as AgreementChanged;
  const at = d.endedAt ?? new Date().toISOString();
  const intent = (periodNumber: number, amount: number, reason: RefundIntent['reason']): RefundIntent => ({
    operatorId: event.operatorId,
    agreementId: d.agreementId,
    userId: d.userId,
    periodNumber,
    amount,
    reason,
    at,
    plates: d.snapshot.vehicles.map((v) => v.plate),
    product: d.productId ? { id: d.productId, name: d.productName ?? '' } : undefined,
    period:
      d.paidPeriod && d.paidPeriod.periodNumber === periodNumber
        ? { from: d.paidPeriod.from, to: d.paidPeriod.to }
        : undefined,
    vatRate: d.vatRate,
    timeZone: d.timeZone,
    correlationId: event.correlationId,
    causationId: event.eventId,
  });
  if (event.type === 'ChargeRejected' && d.rejectedCharge) {
    const r = d.rejectedCharge;
    return [{ ...intent(r.periodNumber, r.amount.amount, 'rejected'), at: r.rejectedAt }];
  }
  if (event.type !== 'AgreementWithdrawn' && event.type !== 'AgreementTerminated') return [];
  const list = d.refunds ?? (d.refund ? [d.refund] : []);
  return list.map((r) => intent(r.periodNumber, r.amount.amount, 'pro_rata'));
}

export function agreementChangedReaction(
  deps: Deps,
  retry: (operatorId: string, agreementId: string) => void,
): AgreementChangedReaction {
  const inFlight = new Set<Promise<unknown>>();
  const handle = async (event: ConsumedEvent, tx: pg.PoolClient): Promise<void> => {
    const { retryNow } = await applyAgreementEvent(event, tx);
    const refunds = refundsOf(event);
    for (const r of refunds) await recordRefundIntent(tx, r);
    if (event.type === 'AgreementTerminated') {
      const d = event.data as AgreementChanged;
      await enqueueNotifications(tx, [
        {
          key: `terminated:${d.agreementId}`,
          operatorId: event.operatorId,
          userId: d.userId,
          template: 'agreement_terminated',
          params: {
            product: d.productName ?? '',
            at: localDay(new Date(d.endedAt ?? Date.now()), d.timeZone ?? 'Europe/Oslo'),
          },
        },
      ]);
    }
    // Each refund waits, through its row's unique key, for this transaction to commit.
    for (const r of refunds) {
      const settling = settleRefund(deps, r)
        .catch((err) => deps.logger.warn({ err, agreementId: r.agreementId }, 'refund left for the resumer'))
        .finally(() => inFlight.delete(settling));
      inFlight.add(settling);
    }
    // The retry waits on the row's lock, so it charges only once this transaction has committed.
    if (retryNow) retry(event.operatorId, (event.data as { agreementId: string }).agreementId);
  };
  return Object.assign(handle, {
    drain: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  });
}
