// The customer's receipts at an operator, newest first.
import { AppError, type RequestContext } from '@parking/contracts';
import type { Receipt } from '@parking/contracts/payment';
import type pg from 'pg';
import { z } from 'zod';

const getReceiptSchema = z.object({ receiptId: z.string().min(1).max(100) });

export async function listReceipts(pool: pg.Pool, ctx: RequestContext) {
  if (ctx.caller.kind !== 'user') throw new AppError('FORBIDDEN', 'Only a signed-in customer has receipts');
  const { rows } = await pool.query(
    'select body from receipts where operator_id = $1 and user_id = $2 order by issued_at desc, number desc limit 200',
    [ctx.operatorId, ctx.caller.userId],
  );
  return { items: rows.map((r) => r.body as Receipt), nextCursor: null };
}

export async function getReceipt(pool: pg.Pool, ctx: RequestContext, input: unknown): Promise<Receipt> {
  if (ctx.caller.kind !== 'user') throw new AppError('FORBIDDEN', 'Only a signed-in customer has receipts');
  const { receiptId } = getReceiptSchema.parse(input);
  if (!/^[0-9a-f-]{36}$/i.test(receiptId)) throw new AppError('NOT_FOUND', 'receipt not found');
  const { rows } = await pool.query(
    'select body from receipts where id = $1 and operator_id = $2 and user_id = $3',
    [receiptId, ctx.operatorId, ctx.caller.userId],
  );
  if (!rows[0]) throw new AppError('NOT_FOUND', 'receipt not found');
  return rows[0].body as Receipt;
}
