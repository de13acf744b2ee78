// Operators (tenants): identity owns them and their settings. Each change is an event on
// `operator-<id>` (published as OperatorChanged, which the gateway and the services follow); the
// `operators` table is their read model, written in the same transaction.
import { randomUUID } from 'node:crypto';
import { AppError, DEMO_OPERATORS, parseOrThrow, type RequestContext } from '@parking/contracts';
import {
  newOperatorSchema,
  operatorAdminsSchema,
  operatorPatchSchema,
  operatorSupportSchema,
  publicOperatorOf,
  type Operator,
  type PublicOperator,
  type OperatorList,
} from '@parking/contracts/identity';
import { inTransaction, type EventMetadata, type PostgresEventStore } from '@parking/event-store';
import type pg from 'pg';
import { metadataOf, requireRole } from '../commands/actor.js';
import { findUserByPhone, runUserCommand, type UserStoreDeps } from '../commands/users.js';

export const OPERATOR_STREAM = 'operator-';

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

const normaliseHosts = (hosts: string[]) => [
  ...new Set(hosts.map((h) => h.toLowerCase().replace(/:\d+$/, ''))),
];

/** A slug or host another operator already has → 409 naming it. */
async function refuseTaken(db: pg.PoolClient, operator: Operator): Promise<void> {
  const { rows } = await db.query('select body from operators where id <> $1', [operator.id]);
  for (const r of rows) {
    const other = r.body as Operator;
    if (other.slug === operator.slug)
      throw new AppError('CONFLICT', 'The slug is taken', { fields: [{ path: 'slug', message: 'taken' }] });
    const taken = operator.hosts.find((h) => other.hosts.includes(h));
    if (taken)
      throw new AppError('CONFLICT', 'A host is taken', {
        fields: [{ path: `hosts.${operator.hosts.indexOf(taken)}`, message: `${taken} is taken` }],
      });
  }
}

async function saveOperator(
  db: pg.PoolClient,
  store: PostgresEventStore,
  operator: Operator,
  metadata: EventMetadata,
  created: boolean,
): Promise<void> {
  await db.query('lock table operators in share row exclusive mode');
  await refuseTaken(db, operator);
  if (created) {
    await db.query('insert into operators (id, slug, body) values ($1, $2, $3)', [
      operator.id,
      operator.slug,
      operator,
    ]);
  } else {
    await db.query('update operators set body = $2 where id = $1', [operator.id, operator]);
  }
  await store.append(
    `${OPERATOR_STREAM}${operator.id}`,
    [{ type: created ? 'OperatorRegistered' : 'OperatorChanged', data: { operator }, metadata }],
    { expectedVersion: created ? 'no_stream' : 'any', streamType: 'operator', client: db },
  );
}

/** Creates an operator unless its slug exists (start-up and demo data); returns whether it was created. */
export async function ensureOperator(
  pool: pg.Pool,
  store: PostgresEventStore,
  operator: Operator,
): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    await client.query('select pg_advisory_xact_lock(7317003)');
    const { rowCount } = await client.query('select 1 from operators where slug = $1', [operator.slug]);
    if (rowCount) return false;
    await saveOperator(
      client,
      store,
      operator,
      { operatorId: operator.id, actor: { kind: 'system', id: 'identity' } },
      true,
    );
    return true;
  });
}

export async function createOperator(
  deps: UserStoreDeps,
  input: unknown,
  ctx: RequestContext,
): Promise<Operator> {
  requireRole(ctx, 'platform');
  const fields = parseOrThrow(newOperatorSchema, input);
  const operator: Operator = { ...fields, id: randomUUID(), hosts: normaliseHosts(fields.hosts) };
  await inTransaction(deps.pool, (client) =>
    saveOperator(client, deps.store, operator, metadataOf(ctx, operator.id), true),
  );
  return operator;
}

const operatorIdSchema = (input: unknown) => {
  const id = (input as { id?: unknown })?.id;
  if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id))
    throw new AppError('NOT_FOUND', 'No such operator');
  return id;
};

export async function updateOperator(
  deps: UserStoreDeps,
  input: unknown,
  ctx: RequestContext,
): Promise<Operator> {
  requireRole(ctx, 'platform');
  const id = operatorIdSchema(input);
  const patch = parseOrThrow(operatorPatchSchema, (input as { patch?: unknown }).patch ?? {});
  return inTransaction(deps.pool, async (client) => {
    const { rows } = await client.query('select body from operators where id = $1 for update', [id]);
    if (!rows[0]) throw new AppError('NOT_FOUND', 'No such operator');
    const current = rows[0].body as Operator;
    const operator: Operator = {
      ...current,
      ...patch,
      id,
      slug: current.slug,
      hosts: normaliseHosts(patch.hosts ?? current.hosts),
    };
    await saveOperator(client, deps.store, operator, metadataOf(ctx, id), false);
    return operator;
  });
}

/**
 * An operator's own admins set its customer-service phone and e-mail (the platform can too, by PATCH
 * on the operator). Only these two fields: everything else about an operator is the platform's.
 */
export async function setOperatorSupport(
  deps: UserStoreDeps,
  input: unknown,
  ctx: RequestContext,
): Promise<PublicOperator> {
  requireRole(ctx, 'operator');
  const patch = parseOrThrow(operatorSupportSchema, input);
  return inTransaction(deps.pool, async (client) => {
    const { rows } = await client.query('select body from operators where id = $1 for update', [
      ctx.operatorId,
    ]);
    if (!rows[0]) throw new AppError('NOT_FOUND', 'No such operator');
    const operator: Operator = { ...(rows[0].body as Operator), ...patch };
    await saveOperator(client, deps.store, operator, metadataOf(ctx), false);
    return publicOperatorOf(operator);
  });
}

/**
 * Replaces the set of people holding `operator` at an operator. A phone not signed up yet is granted
 * at its first sign-in, before its first token.
 */
export async function setOperatorAdmins(
  deps: UserStoreDeps,
  input: unknown,
  ctx: RequestContext,
): Promise<{ phones: string[] }> {
  requireRole(ctx, 'platform');
  const id = operatorIdSchema(input);
  const { phones } = parseOrThrow(operatorAdminsSchema, { phones: (input as { phones?: unknown }).phones });
  const wanted = [...new Set(phones)];
  await getOperator(deps.pool, id);
  const metadata = metadataOf(ctx, id);
  const { rows: holders } = await deps.pool.query(
    `select u.id, u.phone, m.roles from memberships m join users u on u.id = m.user_id
     where m.operator_id = $1 and 'operator' = any (m.roles)`,
    [id],
  );
  for (const h of holders) {
    if (wanted.includes(h.phone)) continue;
    const roles = (h.roles as string[]).filter((r) => r !== 'operator') as ('customer' | 'officer')[];
    await runUserCommand(deps, h.id, { type: 'SetRoles', operatorId: id, roles }, metadata);
  }
  await deps.pool.query(`delete from pending_grants where operator_id = $1 and role = 'operator'`, [id]);
  for (const phone of wanted) {
    const user = await findUserByPhone(deps.pool, phone);
    if (user) {
      await runUserCommand(deps, user.id, { type: 'GrantRole', operatorId: id, role: 'operator' }, metadata);
    } else {
      await deps.pool.query(
        `insert into pending_grants (phone, operator_id, role, granted_by) values ($1, $2, 'operator', $3)
         on conflict do nothing`,
        [phone, id, metadata.actor?.id ?? null],
      );
    }
  }
  return { phones: wanted };
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
    // The demo operator's customer service (the demo data's own words; a real one sets its own).
    ...(demo ? { supportPhone: '+47 33 00 00 00', supportEmail: 'kundeservice@demo.localhost' } : {}),
  };
}
