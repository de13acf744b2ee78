// Operators (tenants): identity owns them and their settings.
import { randomUUID } from 'node:crypto';
import { AppError, DEMO_OPERATORS } from '@parking/contracts';
import type { Operator, OperatorList } from '@parking/contracts/identity';
import type pg from 'pg';

export async function listOperators(pool: pg.Pool, defaultSlug: string): Promise<OperatorList> {
  const { rows } = await pool.query('select body from operators order by created_at, slug');
  const items = rows.map((r) => r.body as Operator);
  const def = items.find((o) => o.slug === defaultSlug);
  if (!def) throw new AppError('UNAVAILABLE', 'the default operator does not exist yet');
  return { items, defaultOperatorId: def.id };
}

export async function getOperator(pool: pg.Pool, operatorId: string): Promise<Operator> {
  const { rows } = await pool.query('select body from operators where id = $1', [operatorId]);
  if (!rows[0]) throw new AppError('NOT_FOUND', 'operator not found');
  return rows[0].body as Operator;
}

/** Creates an operator unless its slug exists; returns whether it was created. */
export async function ensureOperator(pool: pg.Pool, operator: Operator): Promise<boolean> {
  const r = await pool.query(
    'insert into operators (id, slug, body) values ($1, $2, $3) on conflict do nothing',
    [operator.id, operator.slug, operator],
  );
  return (r.rowCount ?? 0) > 0;
}

/** The default operator, created at start-up if missing (in production with placeholder settings). */
export function defaultOperator(slug: string): Operator {
  const demo = Object.values(DEMO_OPERATORS).find((o) => o.slug === slug);
  return {
    id: demo?.id ?? randomUUID(),
    slug,
    name: demo?.name ?? slug,
    organisationNumber: demo ? '999 999 999' : 'unset',
    address: demo ? 'Halfdan Wilhelmsens allé 17, 3116 Tønsberg' : 'unset',
    hosts: demo ? [...demo.hosts] : [],
    smsSender: 'Parkering',
    psp: { provider: 'sandbox', account: `sandbox-${slug}` },
    sanction: { amount: { amount: 60000, currency: 'NOK' }, dueDays: 21 },
  };
}
