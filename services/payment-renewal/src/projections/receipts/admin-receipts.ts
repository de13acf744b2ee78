// The operator's receipts in a time range, oldest first by number: JSON pages, or CSV lines for the
// ledger. Only the request's operator's receipts; only its operators may ask.
import { AppError, hasRole, parseOrThrow, type RequestContext } from '@parking/contracts';
import { adminReceiptsCsvSchema, adminReceiptsSchema, type Receipt } from '@parking/contracts/payment';
import type pg from 'pg';
import { exportRange } from '../../domain/receipt-bounds.js';
import { receiptCsvLine } from '../../domain/receipts-csv.js';

function operatorOnly(ctx: RequestContext) {
  if (!hasRole(ctx.caller, 'operator')) throw new AppError('FORBIDDEN', 'Only an operator exports receipts');
}

async function page(
  pool: pg.Pool,
  ctx: RequestContext,
  q: { from?: string; to?: string; limit: number; cursor?: string },
) {
  const { from, toExclusive } = exportRange(q.from, q.to);
  const after = q.cursor && /^\d{1,18}$/.test(q.cursor) ? q.cursor : '0';
  const { rows } = await pool.query(
    `select number, body from receipts
     where operator_id = $1 and ($2::timestamptz is null or issued_at >= $2)
       and ($3::timestamptz is null or issued_at < $3) and number > $4
     order by number limit $5`,
    [ctx.operatorId, from, toExclusive, after, q.limit + 1],
  );
  const more = rows.length > q.limit;
  const items = rows.slice(0, q.limit).map((r) => r.body as Receipt);
  return { items, nextCursor: more ? String(items[items.length - 1].number) : null };
}

export async function adminListReceipts(pool: pg.Pool, ctx: RequestContext, input: unknown) {
  operatorOnly(ctx);
  return page(pool, ctx, parseOrThrow(adminReceiptsSchema, input));
}

/** CSV lines (no header) of one page; the gateway joins the pages under the header. */
export async function adminReceiptsCsv(pool: pg.Pool, ctx: RequestContext, input: unknown) {
  operatorOnly(ctx);
  const { items, nextCursor } = await page(pool, ctx, parseOrThrow(adminReceiptsCsvSchema, input));
  return { csv: items.map(receiptCsvLine).join(''), nextCursor };
}
