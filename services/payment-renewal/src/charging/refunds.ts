// Refunds as an explicit process, no PSP call inside a database transaction: the intent (`refunding`,
// one per refunded charge, keyed `refund:<agreement>:<period>`) is recorded in the transaction of the
// agreement event that asks for it; after its commit the PSP refunds under that key, and the outcome —
// the credit note («kreditnota»), RefundIssued and a text — is recorded once. Two reasons: the unused
// share of a paid period (withdrawal, pro-rata termination) or, in full, a charge the agreement did not
// take (ChargeRejected: its decision was overtaken). Never more than the charge.
import { AppError, nok } from '@parking/contracts';
import type { Receipt, RefundIssued } from '@parking/contracts/payment';
import { inTransaction } from '@parking/event-store';
import type pg from 'pg';
import type { Deps } from '../deps.js';
import { chargeKey, uuidFrom } from '../domain/ids.js';
import { formatNok } from '../domain/renewal-schedule.js';
import { enqueueNotifications } from '../notifications/notifications.js';
import { issueReceipt } from '../receipts/issue-receipt.js';

export const refundKey = (agreementId: string, periodNumber: number) =>
  `refund:${agreementId}:${periodNumber}`;
export const refundIdOf = (agreementId: string, periodNumber: number) =>
  uuidFrom(`refund:${chargeKey(agreementId, periodNumber)}`);

export interface RefundIntent {
  operatorId: string;
  agreementId: string;
  userId: string;
  periodNumber: number;
  /** øre */
  amount: number;
  reason: 'pro_rata' | 'rejected';
  /** When the agreement decided it (the credit note's date). */
  at: string;
  plates: string[];
  product?: { id: string; name: string };
  period?: { from: string; to: string };
  vatRate?: number;
  timeZone?: string;
  correlationId?: string;
  causationId?: string;
}

/**
 * Records the intent in the caller's transaction, after checking the charge it refunds: settled
 * (else a later delivery comes back to it) and at least the amount.
 */
export async function recordRefundIntent(tx: pg.PoolClient, i: RefundIntent): Promise<void> {
  const charge = (
    await tx.query(
      'select status, amount from charges where agreement_id = $1 and period_number = $2 and operator_id = $3',
      [i.agreementId, i.periodNumber, i.operatorId],
    )
  ).rows[0];
  if (!charge || charge.status !== 'succeeded')
    throw new AppError(
      'CONFLICT',
      `no settled charge of period ${i.periodNumber} of ${i.agreementId} to refund`,
    );
  if (i.amount > charge.amount)
    throw new AppError('RULE_VIOLATED', `refund ${i.amount} exceeds the charge ${charge.amount}`);
  await insertIntent(tx, i);
}

async function insertIntent(db: pg.Pool | pg.PoolClient, i: RefundIntent) {
  await db.query(
    `insert into refunds (operator_id, id, agreement_id, period_number, idempotency_key, amount, status, reason, details)
     values ($1, $2, $3, $4, $5, $6, 'refunding', $7, $8) on conflict (agreement_id, period_number) do nothing`,
    [
      i.operatorId,
      refundIdOf(i.agreementId, i.periodNumber),
      i.agreementId,
      i.periodNumber,
      refundKey(i.agreementId, i.periodNumber),
      i.amount,
      i.reason,
      i,
    ],
  );
}

/** Refunds through the PSP and records the outcome; any number of times, from anywhere, at once. */
export async function settleRefund(deps: Deps, i: RefundIntent): Promise<void> {
  // Waits, through the unique key, for the transaction that records the same intent to commit.
  await insertIntent(deps.pool, i);
  const row = (
    await deps.pool.query(
      `select r.*, c.psp_charge_id, rc.body as receipt from refunds r
       join charges c on c.agreement_id = r.agreement_id and c.period_number = r.period_number
       left join receipts rc on rc.id = c.receipt_id
       where r.agreement_id = $1 and r.period_number = $2`,
      [i.agreementId, i.periodNumber],
    )
  ).rows[0];
  if (!row || row.status !== 'refunding') return;
  const intent = (row.details ?? i) as RefundIntent;
  const operator = await deps.operators.get(intent.operatorId);
  const refunded = await deps.psp.refund({
    pspChargeId: row.psp_charge_id,
    amount: nok(row.amount),
    idempotencyKey: row.idempotency_key,
    operatorAccount: operator?.psp?.account ?? 'sandbox',
  });
  if (refunded.status !== 'succeeded')
    throw new AppError('UNAVAILABLE', `the PSP did not refund ${row.idempotency_key}`);
  await inTransaction(deps.pool, async (tx) => {
    const locked = await tx.query(`select 1 from refunds where id = $1 and status = 'refunding' for update`, [
      row.id,
    ]);
    if (!locked.rowCount) return; // recorded by another path
    const original = row.receipt as Receipt | null;
    const at = new Date(intent.at);
    const note = await issueReceipt(deps, tx, {
      id: uuidFrom(`credit-note:${row.idempotency_key}`),
      kind: 'refund',
      operatorId: intent.operatorId,
      agreementId: intent.agreementId,
      userId: intent.userId,
      issuedAt: at,
      product: original?.product ?? intent.product ?? { id: '', name: '' },
      plates: intent.plates,
      period: original?.period ?? intent.period ?? { from: '', to: '' },
      amount: row.amount,
      vatRate: original?.vatRate ?? intent.vatRate ?? 25,
      timeZone: intent.timeZone,
      fallbackSeller: original?.seller,
    });
    await tx.query(
      `update refunds set status = 'succeeded', psp_refund_id = $2, receipt_id = $3, refunded_at = $4,
         updated_at = now() where id = $1`,
      [row.id, refunded.pspRefundId, note.id, at],
    );
    const data: RefundIssued = {
      refundId: row.id,
      agreementId: intent.agreementId,
      periodNumber: intent.periodNumber,
      amount: nok(row.amount),
      receiptId: note.id,
      refundedAt: at.toISOString(),
    };
    await deps.store.append(
      `refund-${intent.agreementId}-${intent.periodNumber}`,
      [
        {
          type: 'RefundIssued',
          data,
          eventId: uuidFrom(`event:${row.id}`),
          metadata: {
            operatorId: intent.operatorId,
            correlationId: intent.correlationId,
            causationId: intent.causationId,
            actor: { kind: 'system', id: 'payment-renewal' },
          },
        },
      ],
      { expectedVersion: 'no_stream', streamType: 'refund', client: tx },
    );
    await enqueueNotifications(tx, [
      {
        key: `refund:${note.id}`,
        operatorId: intent.operatorId,
        userId: intent.userId,
        template: 'refund',
        params: { amount: formatNok(row.amount), product: note.product.name, number: note.number },
      },
    ]);
  });
}

/** Refunds a crash left between their intent and their outcome, taken up again under their keys. */
export async function resumeRefunds(deps: Deps, olderThanMs = 10_000, limit = 50): Promise<number> {
  const { rows } = await deps.pool.query(
    `select details from refunds where status = 'refunding' and details is not null
       and updated_at < now() - $1 * interval '1 millisecond' order by updated_at limit $2`,
    [olderThanMs, limit],
  );
  let resumed = 0;
  for (const { details } of rows) {
    try {
      await settleRefund(deps, details as RefundIntent);
      resumed++;
    } catch (err) {
      deps.logger.warn({ err, agreementId: details.agreementId }, 'refund not resumed; tried again later');
    }
  }
  return resumed;
}
