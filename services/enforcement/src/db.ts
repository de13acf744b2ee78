// One transaction around `work`, rolled back on any error.
import type pg from 'pg';

export async function inTransaction<T>(pool: pg.Pool, work: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const tx = await pool.connect();
  try {
    await tx.query('begin');
    const result = await work(tx);
    await tx.query('commit');
    return result;
  } catch (err) {
    await tx.query('rollback').catch(() => {});
    throw err;
  } finally {
    tx.release();
  }
}

/** `<time>|<id>` cursors of lists ordered by time then id. */
export const cursorOf = (at: Date, id: string) => `${at.toISOString()}|${id}`;
export function parseCursor(cursor: string | undefined): [string, string] | null {
  if (!cursor) return null;
  const [at, id] = cursor.split('|');
  return at && id && !Number.isNaN(Date.parse(at)) ? [at, id] : null;
}
