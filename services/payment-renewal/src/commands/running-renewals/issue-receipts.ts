// Receipts of a batch's successful charges: numbers taken from the operator's gap-free sequence in
// one step (the batch's transaction holds it until its commit), each receipt issued at asOf.
import type pg from 'pg';
import { buildReceipt } from '../../domain/receipt.js';
import { formatNok } from '../../domain/renewal-schedule.js';
import type { Notification } from '../../notifications/notifications.js';
import { receiptIdOf, type Attempted, type BatchOptions } from './renewal-batch.js';

export async function issueReceipts(
  tx: pg.PoolClient,
  o: Pick<BatchOptions, 'operatorId' | 'asOf' | 'seller'>,
  charged: Attempted[],
): Promise<Notification[]> {
  const seq = await tx.query(
    `insert into receipt_sequences (operator_id, last_number) values ($1, $2)
     on conflict (operator_id) do update set last_number = receipt_sequences.last_number + $2
     returning last_number`,
    [o.operatorId, charged.length],
  );
  const first = Number(seq.rows[0].last_number) - charged.length + 1;
  const receipts = charged.map((x, i) =>
    buildReceipt({
      id: receiptIdOf(x.row),
      number: first + i,
      kind: 'charge',
      agreementId: x.row.agreement_id,
      issuedAt: o.asOf,
      seller: o.seller,
      buyer: { userId: x.row.user_id, name: null },
      product: { id: x.row.product_id, name: x.row.product_name },
      plates: x.row.plates,
      period: { from: x.row.period_from.toISOString(), to: x.row.period_to.toISOString() },
      amount: x.amount,
      vatRate: Number(x.row.vat_rate),
    }),
  );
  await tx.query(
    `insert into receipts (operator_id, id, number, user_id, agreement_id, kind, issued_at, body)
     select $1, v.id, v.number, v.user_id, v.agreement_id, 'charge', $2, v.body
     from unnest($3::uuid[], $4::bigint[], $5::text[], $6::uuid[], $7::jsonb[])
       as v(id, number, user_id, agreement_id, body)`,
    [
      o.operatorId,
      o.asOf,
      receipts.map((r) => r.id),
      receipts.map((r) => r.number),
      charged.map((x) => x.row.user_id),
      receipts.map((r) => r.agreementId),
      receipts.map((r) => JSON.stringify(r)),
    ],
  );
  return charged.map((x, i) => ({
    key: `receipt:${receipts[i].id}`,
    operatorId: o.operatorId,
    userId: x.row.user_id,
    template: 'receipt',
    params: { number: receipts[i].number, product: x.row.product_name, amount: formatNok(x.amount) },
  }));
}
