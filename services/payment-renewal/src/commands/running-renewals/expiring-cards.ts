// A card that expires before an agreement's next renewal is announced to its owner 30 days ahead, once
// per renewal period.
import type { Deps } from '../../deps.js';
import { formatNok } from '../../domain/renewal-schedule.js';
import { enqueueNotifications } from '../../notifications/notifications.js';

export const CARD_WARNING_DAYS = 30;

export async function warnExpiringCards(deps: Deps, operatorId: string, asOf: Date): Promise<number> {
  const tx = await deps.pool.connect();
  try {
    await tx.query('begin');
    // The card is valid through its expiry month: from the 1st of the next month it cannot pay.
    const { rows } = await tx.query(
      `update renewals r set card_warned_period = r.period_number
       from payment_methods pm
       where r.operator_id = $1 and pm.operator_id = $1 and pm.id::text = r.payment_method_id
         and r.period_number is not null and r.next_attempt_at is not null
         and r.due_at > $2 and r.due_at <= $2::timestamptz + make_interval(days => $3)
         and r.card_warned_period is distinct from r.period_number
         and make_timestamptz(pm.exp_year, pm.exp_month, 1, 0, 0, 0, 'UTC') + interval '1 month' <= r.due_at
       returning r.agreement_id, r.user_id, r.period_number, r.product_name, r.amount, r.due_at,
                 pm.brand, pm.last4`,
      [operatorId, asOf, CARD_WARNING_DAYS],
    );
    await enqueueNotifications(
      tx,
      rows.map((r) => ({
        key: `card-expiring:${r.agreement_id}:${r.period_number}`,
        operatorId,
        userId: r.user_id,
        template: 'card_expiring',
        params: {
          product: r.product_name,
          card: `${r.brand} ****${r.last4}`,
          amount: formatNok(r.amount),
          renewsAt: r.due_at.toISOString().slice(0, 10),
        },
      })),
    );
    await tx.query('commit');
    return rows.length;
  } catch (err) {
    await tx.query('rollback').catch(() => {});
    throw err;
  } finally {
    tx.release();
  }
}
