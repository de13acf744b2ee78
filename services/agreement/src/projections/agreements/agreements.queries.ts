// Reads of the `agreements` read model, always within the request's operator and, for customers, owner.
import { AppError, normalisePlate, type RequestContext } from '@parking/contracts';
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

/** The vehicles on the customer's agreements valid now or later (the Home page's «kjøretøy»). */
export async function listVehicles(
  pool: pg.Pool,
  ctx: RequestContext,
): Promise<{ items: { plate: string; country: string; agreementIds: string[] }[] }> {
  if (ctx.caller.kind !== 'user') return { items: [] };
  const { rows } = await pool.query(
    `select id, view from agreements where operator_id = $1 and user_id = $2
       and status in ('active', 'past_due', 'cancelled_at_period_end') order by created_at desc`,
    [ctx.operatorId, ctx.caller.userId],
  );
  const byVehicle = new Map<string, { plate: string; country: string; agreementIds: string[] }>();
  for (const r of rows) {
    for (const v of (r.view as Agreement).vehicles) {
      const key = `${v.country}:${v.plate}`;
      const entry = byVehicle.get(key) ?? { plate: v.plate, country: v.country, agreementIds: [] };
      entry.agreementIds.push(r.id);
      byVehicle.set(key, entry);
    }
  }
  return { items: [...byVehicle.values()] };
}

/** An operator's search of its agreements by plate, user or product (newest first). */
export async function searchAgreements(
  pool: pg.Pool,
  ctx: RequestContext,
  filter: { plate?: string; userId?: string; productId?: string },
): Promise<{ items: Agreement[]; nextCursor: null }> {
  const plate = filter.plate ? normalisePlate(filter.plate) : undefined;
  if (filter.plate && !plate)
    throw new AppError('VALIDATION', 'Not a plate', { fields: [{ path: 'plate', message: 'not a plate' }] });
  const { rows } = await pool.query(
    `select view from agreements where operator_id = $1
       and ($2::text is null or view->'vehicles' @> jsonb_build_array(jsonb_build_object('plate', $2::text)))
       and ($3::text is null or user_id = $3) and ($4::text is null or product_id = $4)
     order by created_at desc, id limit 200`,
    [ctx.operatorId, plate ?? null, filter.userId ?? null, filter.productId ?? null],
  );
  return { items: rows.map((r) => r.view as Agreement), nextCursor: null };
}

/** One agreement of the operator, whoever's it is. */
export async function operatorAgreement(
  pool: pg.Pool,
  ctx: RequestContext,
  agreementId: string,
): Promise<Agreement> {
  if (!/^[0-9a-f-]{36}$/i.test(agreementId)) throw new AppError('NOT_FOUND', 'agreement not found');
  const { rows } = await pool.query('select view from agreements where id = $1 and operator_id = $2', [
    agreementId,
    ctx.operatorId,
  ]);
  if (!rows[0]) throw new AppError('NOT_FOUND', 'agreement not found');
  return rows[0].view as Agreement;
}
