// Issues one receipt or credit note («kvittering», «kreditnota»): its number from the operator's
// gap-free sequence, taken in the caller's transaction (which holds it until its commit), the seller
// from the operator's details, stored with the transaction that records the money it documents.
import type { Receipt } from '@parking/contracts/payment';
import type pg from 'pg';
import type { Deps } from '../deps.js';
import { buildReceipt } from '../domain/receipt.js';

export interface ReceiptRequest {
  id: string;
  kind: 'charge' | 'refund';
  operatorId: string;
  agreementId: string;
  userId: string;
  issuedAt: Date;
  product: { id: string; name: string };
  plates: string[];
  period: { from: string; to: string };
  /** VAT-inclusive øre: the amount charged, or refunded. */
  amount: number;
  vatRate: number;
  timeZone?: string;
  /** The seller as the original receipt named it, when the operator is not found. */
  fallbackSeller?: Receipt['seller'];
}

export async function issueReceipt(
  deps: Pick<Deps, 'operators'>,
  tx: pg.PoolClient,
  r: ReceiptRequest,
): Promise<Receipt> {
  const operator = await deps.operators.get(r.operatorId);
  const seq = await tx.query(
    `insert into receipt_sequences (operator_id, last_number) values ($1, 1)
     on conflict (operator_id) do update set last_number = receipt_sequences.last_number + 1
     returning last_number`,
    [r.operatorId],
  );
  const receipt = buildReceipt({
    id: r.id,
    number: Number(seq.rows[0].last_number),
    kind: r.kind,
    agreementId: r.agreementId,
    issuedAt: r.issuedAt,
    seller: {
      name: operator?.name ?? r.fallbackSeller?.name ?? 'unknown',
      organisationNumber: operator?.organisationNumber ?? r.fallbackSeller?.organisationNumber ?? '',
      address: operator?.address ?? r.fallbackSeller?.address ?? '',
    },
    buyer: { userId: r.userId, name: null },
    product: r.product,
    plates: r.plates,
    period: r.period,
    amount: r.amount,
    vatRate: r.vatRate,
    timeZone: r.timeZone,
  });
  await tx.query(
    `insert into receipts (operator_id, id, number, user_id, agreement_id, kind, issued_at, body)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [r.operatorId, receipt.id, receipt.number, r.userId, r.agreementId, r.kind, r.issuedAt, receipt],
  );
  return receipt;
}
