// Reads of the `agreements` read model, always within the request's operator and, for customers, owner.
import { AppError, type RequestContext } from '@parking/contracts';
import type { Agreement } from '@parking/contracts/agreement';
import type pg from 'pg';

/** The agreement if it is the calling customer's, at the request's operator. */
export async function findAgreement(
  pool: pg.Pool,
  ctx: RequestContext,
  agreementId: string,
): Promise<Agreement | null> {
  if (ctx.caller.kind !== 'user') return null;
  if (!/^[0-9a-f-]{36}$/i.test(agreementId)) return null;
  const { rows } = await pool.query(
    'select view from agreements where id = $1 and operator_id = $2 and user_id = $3',
    [agreementId, ctx.operatorId, ctx.caller.userId],
  );
  return (rows[0]?.view as Agreement) ?? null;
}

export async function getAgreement(
  pool: pg.Pool,
  ctx: RequestContext,
  agreementId: string,
): Promise<Agreement> {
  const found = await findAgreement(pool, ctx, agreementId);
  if (!found) throw new AppError('NOT_FOUND', 'agreement not found');
  return found;
}

/** The calling customer's agreements, newest first. */
export async function listAgreements(
  pool: pg.Pool,
  ctx: RequestContext,
): Promise<{ items: Agreement[]; nextCursor: null }> {
  if (ctx.caller.kind !== 'user') return { items: [], nextCursor: null };
  const { rows } = await pool.query(
    'select view from agreements where operator_id = $1 and user_id = $2 order by created_at desc, id limit 200',
    [ctx.operatorId, ctx.caller.userId],
  );
  return { items: rows.map((r) => r.view as Agreement), nextCursor: null };
}

/** The agreement's view by id alone, for internal waiting (no caller, no owner check). */
export async function readAgreementView(pool: pg.Pool, agreementId: string): Promise<Agreement | null> {
  const { rows } = await pool.query('select view from agreements where id = $1', [agreementId]);
  return (rows[0]?.view as Agreement) ?? null;
}
