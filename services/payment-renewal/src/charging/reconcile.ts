// The reconciliation (`payment.reconcile`, and the scheduler every RECONCILE_INTERVAL_MS): proves from
// payment's own books that every PSP success has exactly one receipt and either backs a period or was
// refunded, and reports anything else — a success without a receipt or with two, money kept for a
// purchase that failed, an intent or refund left in flight (a PSP answer never recorded).
import { AppError, hasRole, type RequestContext } from '@parking/contracts';
import type { Reconciliation } from '@parking/contracts/payment';
import type { Deps } from '../deps.js';

/** An intent older than this was left by a crash the resumer did not finish. */
const STUCK = "interval '15 minutes'";

export async function reconcileRequest(
  deps: Deps,
  _input: unknown,
  ctx: RequestContext,
): Promise<Reconciliation> {
  if (!(hasRole(ctx.caller, 'operator') || ctx.caller.kind === 'system'))
    throw new AppError('FORBIDDEN', 'Only an operator reconciles');
  return reconcile(deps, ctx.operatorId);
}

export async function reconcile(
  deps: Pick<Deps, 'pool' | 'clock'>,
  operatorId: string,
): Promise<Reconciliation> {
  const q = async (sql: string) => (await deps.pool.query(sql, [operatorId])).rows;
  const successes = Number(
    (await q(`select count(*)::int as n from charges where operator_id = $1 and status = 'succeeded'`))[0].n,
  );
  const problems: Reconciliation['problems'] = [];
  const add = (
    kind: string,
    rows: { agreement_id: string; period_number: number | null; detail: string }[],
  ) =>
    problems.push(
      ...rows.map((r) => ({
        kind,
        agreementId: r.agreement_id,
        periodNumber: r.period_number,
        detail: r.detail,
      })),
    );

  add(
    'success_without_receipt',
    await q(`select c.agreement_id, c.period_number, 'charge ' || c.id || ' has no receipt' as detail
             from charges c left join receipts r on r.id = c.receipt_id
             where c.operator_id = $1 and c.status = 'succeeded' and r.id is null`),
  );
  add(
    'extra_receipt',
    await q(`select r.agreement_id, null::int as period_number,
               count(*) || ' charge receipts for ' || (select count(*) from charges c
                 where c.agreement_id = r.agreement_id and c.status = 'succeeded') || ' successes' as detail
             from receipts r where r.operator_id = $1 and r.kind = 'charge'
             group by r.agreement_id
             having count(*) > (select count(*) from charges c
               where c.agreement_id = r.agreement_id and c.status = 'succeeded')`),
  );
  add(
    'money_kept_for_failed_purchase',
    await q(`select c.agreement_id, c.period_number, 'the purchase failed; charge ' || c.id || ' not refunded' as detail
             from charges c join renewals w on w.agreement_id = c.agreement_id
             left join refunds f on f.agreement_id = c.agreement_id and f.period_number = c.period_number
               and f.status = 'succeeded' and f.amount = c.amount
             where c.operator_id = $1 and c.status = 'succeeded' and w.status = 'failed' and f.id is null
               and c.settled_at < now() - interval '1 minute'`),
  );
  add(
    'charge_in_flight',
    await q(`select agreement_id, period_number, 'charge ' || id || ' ' || status || ' since ' || updated_at as detail
             from charges where operator_id = $1 and status in ('awaiting_decision', 'charging')
               and updated_at < now() - ${STUCK}`),
  );
  add(
    'refund_in_flight',
    await q(`select agreement_id, period_number, 'refund ' || id || ' not settled since ' || updated_at as detail
             from refunds where operator_id = $1 and status = 'refunding' and updated_at < now() - ${STUCK}`),
  );
  add(
    'refund_without_credit_note',
    await q(`select f.agreement_id, f.period_number, 'refund ' || f.id || ' has no credit note' as detail
             from refunds f left join receipts r on r.id = f.receipt_id
             where f.operator_id = $1 and f.status = 'succeeded' and r.id is null`),
  );
  add(
    'refund_exceeds_charge',
    await q(`select f.agreement_id, f.period_number, 'refund ' || f.amount || ' of charge ' || c.amount as detail
             from refunds f join charges c on c.agreement_id = f.agreement_id and c.period_number = f.period_number
             where f.operator_id = $1 and f.amount > c.amount`),
  );
  return { checkedAt: deps.clock.now().toISOString(), successes, problems };
}
