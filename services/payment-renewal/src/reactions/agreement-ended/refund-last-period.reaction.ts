// A withdrawn or terminated agreement with a refund: the PSP refunds the share of the last paid period
// the agreement computed (pro rata), under the key `refund:<agreement>:<period>` — a charge is never
// refunded twice — with a credit note («kreditnota») and RefundIssued, all in the event's transaction.
import { AppError, nok } from '@parking/contracts';
import type { AgreementChanged } from '@parking/contracts/agreement';
import type { Receipt, RefundIssued } from '@parking/contracts/payment';
import type { ConsumedEvent } from '@parking/messaging';
import type pg from 'pg';
import type { Deps } from '../../deps.js';
import { chargeKey, uuidFrom } from '../../domain/ids.js';
import { buildReceipt } from '../../domain/receipt.js';

export const refundKey = (agreementId: string, periodNumber: number) =>
  `refund:${agreementId}:${periodNumber}`;

export async function refundLastPeriod(deps: Deps, event: ConsumedEvent, tx: pg.PoolClient): Promise<void> {
  const d = event.data as AgreementChanged;
  if (!d.refund) return;
  const { periodNumber, amount } = d.refund;
  const key = refundKey(d.agreementId, periodNumber);
  const charge = (
    await tx.query(
      `select c.*, r.body as receipt from charges c left join receipts r on r.id = c.receipt_id
       where c.agreement_id = $1 and c.period_number = $2 and c.operator_id = $3`,
      [d.agreementId, periodNumber, event.operatorId],
    )
  ).rows[0];
  // The charge may not be recorded yet (its event is on the way): a later delivery finds it.
  if (!charge || charge.status !== 'succeeded')
    throw new AppError(
      'CONFLICT',
      `no settled charge of period ${periodNumber} of ${d.agreementId} to refund`,
    );
  if (amount.amount > charge.amount)
    throw new AppError('RULE_VIOLATED', `refund ${amount.amount} exceeds the charge ${charge.amount}`);

  const refundId = uuidFrom(`refund:${chargeKey(d.agreementId, periodNumber)}`);
  const inserted = await tx.query(
    `insert into refunds (operator_id, id, agreement_id, period_number, idempotency_key, amount, status)
     values ($1, $2, $3, $4, $5, $6, 'pending') on conflict (agreement_id, period_number) do nothing`,
    [event.operatorId, refundId, d.agreementId, periodNumber, key, amount.amount],
  );
  if (inserted.rowCount === 0) return; // refunded already: a period's charge is refunded once
  const refunded = await deps.psp.refund({ pspChargeId: charge.psp_charge_id, amount, idempotencyKey: key });
  if (refunded.status !== 'succeeded') throw new AppError('UNAVAILABLE', `the PSP did not refund ${key}`);

  const at = d.endedAt ? new Date(d.endedAt) : deps.clock.now();
  const original = charge.receipt as Receipt | null;
  const operator = await deps.operators.get(event.operatorId);
  const seq = await tx.query(
    `insert into receipt_sequences (operator_id, last_number) values ($1, 1)
     on conflict (operator_id) do update set last_number = receipt_sequences.last_number + 1
     returning last_number`,
    [event.operatorId],
  );
  const receipt = buildReceipt({
    id: uuidFrom(`credit-note:${key}`),
    number: Number(seq.rows[0].last_number),
    kind: 'refund',
    agreementId: d.agreementId,
    issuedAt: at,
    seller: {
      name: operator?.name ?? original?.seller.name ?? 'unknown',
      organisationNumber: operator?.organisationNumber ?? original?.seller.organisationNumber ?? '',
      address: operator?.address ?? original?.seller.address ?? '',
    },
    buyer: { userId: d.userId, name: null },
    product: original?.product ?? { id: d.productId ?? '', name: d.productName ?? '' },
    plates: d.snapshot.vehicles.map((v) => v.plate),
    period: original?.period ?? { from: d.paidPeriod?.from ?? '', to: d.paidPeriod?.to ?? '' },
    amount: amount.amount,
    vatRate: original?.vatRate ?? d.vatRate ?? 25,
  });
  await tx.query(
    `insert into receipts (operator_id, id, number, user_id, agreement_id, kind, issued_at, body)
     values ($1, $2, $3, $4, $5, 'refund', $6, $7)`,
    [event.operatorId, receipt.id, receipt.number, d.userId, d.agreementId, at, receipt],
  );
  await tx.query(
    `update refunds set status = 'succeeded', psp_refund_id = $2, receipt_id = $3, refunded_at = $4 where id = $1`,
    [refundId, refunded.pspRefundId, receipt.id, at],
  );
  const data: RefundIssued = {
    refundId,
    agreementId: d.agreementId,
    periodNumber,
    amount: nok(amount.amount),
    receiptId: receipt.id,
    refundedAt: at.toISOString(),
  };
  await deps.store.append(
    `refund-${d.agreementId}-${periodNumber}`,
    [
      {
        type: 'RefundIssued',
        data,
        eventId: uuidFrom(`event:${refundId}`),
        metadata: {
          operatorId: event.operatorId,
          correlationId: event.correlationId,
          causationId: event.eventId,
          traceparent: event.traceparent,
          actor: { kind: 'system', id: 'payment-renewal' },
        },
      },
    ],
    { expectedVersion: 'no_stream', streamType: 'refund', client: tx },
  );
}
