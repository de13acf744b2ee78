// AgreementRequested: the recovery path of the first period's charge (the agreement service normally
// asks for it directly, `payment.charges.first-period`). In the event's transaction only the intent is
// recorded (`awaiting_decision`, unless the direct path got there first); the rest — the agreement's
// word, the PSP call, the outcome — runs after that transaction, never inside one (charging/first-charge.ts).
// Every step is keyed by agreement + period, so a redelivery, a crash, a second replica or the direct
// path racing this one never charges twice or issues a second receipt.
import type { AgreementRequested } from '@parking/contracts/agreement';
import type { ConsumedEvent } from '@parking/messaging';
import type pg from 'pg';
import { recordFirstChargeIntent, settleFirstCharge, type FirstCharge } from '../../charging/first-charge.js';
import type { Deps } from '../../deps.js';

export function firstChargeOf(operatorId: string, r: AgreementRequested): FirstCharge {
  return {
    operatorId,
    agreementId: r.agreementId,
    userId: r.userId,
    productId: r.productId,
    productName: r.productName,
    paymentMethodId: r.paymentMethodId,
    amount: r.amount,
    vatRate: r.vatRate,
    period: r.period,
    plates: r.snapshot.vehicles.map((v) => v.plate),
    ...(r.timeZone ? { timeZone: r.timeZone } : {}),
  };
}

export interface FirstChargeReaction {
  (event: ConsumedEvent, tx: pg.PoolClient): Promise<void>;
  /** Resolves when every settlement started so far has ended (tests, shutdown). */
  drain(): Promise<void>;
}

export function chargeFirstPeriodReaction(deps: Deps): FirstChargeReaction {
  const inFlight = new Set<Promise<unknown>>();
  const handle = async (event: ConsumedEvent, tx: pg.PoolClient): Promise<void> => {
    const request = event.data as AgreementRequested;
    const charge = firstChargeOf(event.operatorId, request);
    await recordFirstChargeIntent(tx, charge, 'awaiting_decision');
    // Starts now and waits, through the row's unique key, for this transaction to commit. A crash
    // before it ends leaves the intent for resumeFirstCharges.
    const settling = settleFirstCharge(deps, charge, {
      decided: false,
      correlationId: event.correlationId,
      causationId: event.eventId,
    })
      .catch((err) =>
        deps.logger.warn({ err, agreementId: request.agreementId }, 'first charge left for the resumer'),
      )
      .finally(() => inFlight.delete(settling));
    inFlight.add(settling);
  };
  return Object.assign(handle, {
    drain: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  });
}
