// Receipts are kept 5 years (bookkeeping law, PRODUCT.md) and then deleted. The per-operator receipt
// sequence lives in receipt_sequences, so purging old receipts never reuses a number.
import type pg from 'pg';
import type { Logger } from '@parking/platform';

export const RECEIPT_RETENTION_YEARS = 5;

/** Deletes the receipts issued more than 5 calendar years before `now`; returns how many went. */
export async function purgeOldReceipts(pool: pg.Pool, now: Date): Promise<number> {
  const { rowCount } = await pool.query(
    `delete from receipts where issued_at < $1::timestamptz - make_interval(years => $2)`,
    [now, RECEIPT_RETENTION_YEARS],
  );
  return rowCount ?? 0;
}

/** Runs the purge once now and then daily; returns a stop function. */
export function scheduleReceiptPurge(pool: pg.Pool, clock: { now(): Date }, logger: Logger): () => void {
  const run = () =>
    purgeOldReceipts(pool, clock.now())
      .then((n) => n && logger.info({ receipts: n }, 'receipts older than 5 years deleted'))
      .catch((err) => logger.error({ err }, 'receipt purge failed'));
  void run();
  const timer = setInterval(run, 86_400_000);
  timer.unref();
  return () => clearInterval(timer);
}
