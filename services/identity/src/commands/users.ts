// People: one per phone number, created by their first verified code; roles held per operator.
import { randomUUID } from 'node:crypto';
import type { Role } from '@parking/contracts';
import type { PostgresEventStore } from '@parking/event-store';
import type pg from 'pg';

export interface UserRow {
  id: string;
  phone: string;
  name: string | null;
  email: string | null;
  address: string | null;
  password_hash: string | null;
  platform: boolean;
}

export async function findUserByPhone(db: pg.Pool | pg.PoolClient, phone: string): Promise<UserRow | null> {
  const { rows } = await db.query('select * from users where phone = $1', [phone]);
  return rows[0] ?? null;
}

export async function findUser(db: pg.Pool | pg.PoolClient, id: string): Promise<UserRow | null> {
  const { rows } = await db.query('select * from users where id = $1', [id]);
  return rows[0] ?? null;
}

/**
 * The user of a phone number, registering them (and their first membership) when new. Two first
 * sign-ins racing for one phone get the same user: the unique phone decides, the loser reads it.
 */
export async function ensureUser(
  pool: pg.Pool,
  store: PostgresEventStore,
  phone: string,
  operatorId: string,
  bootstrapPlatformPhones: string[],
): Promise<UserRow> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const id = randomUUID();
    const inserted = await client.query(
      `insert into users (id, phone, platform) values ($1, $2, $3) on conflict (phone) do nothing returning *`,
      [id, phone, bootstrapPlatformPhones.includes(phone)],
    );
    let user: UserRow;
    if (inserted.rows[0]) {
      user = inserted.rows[0];
      await store.append(
        `user-${id}`,
        [
          {
            type: 'UserRegistered',
            data: { userId: id },
            metadata: { operatorId, actor: { kind: 'user', id } },
          },
        ],
        { expectedVersion: 'no_stream', streamType: 'user', client },
      );
      await applyPendingGrants(client, user);
    } else {
      user = (await findUserByPhone(client, phone))!;
    }
    await client.query(
      `insert into memberships (user_id, operator_id, roles) values ($1, $2, '{customer}') on conflict do nothing`,
      [user.id, operatorId],
    );
    await client.query('commit');
    return user;
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Grants named before the person signed up (operator admins, platform staff), before their first token. */
async function applyPendingGrants(client: pg.PoolClient, user: UserRow): Promise<void> {
  const { rows } = await client.query(
    'delete from pending_grants where phone = $1 returning operator_id, role',
    [user.phone],
  );
  for (const g of rows) {
    if (g.role === 'platform') {
      await client.query('update users set platform = true where id = $1', [user.id]);
      continue;
    }
    await client.query(
      `insert into memberships (user_id, operator_id, roles) values ($1, $2, array['customer', $3])
       on conflict (user_id, operator_id) do update
         set roles = array(select distinct unnest(memberships.roles || array[$3]))`,
      [user.id, g.operator_id, g.role],
    );
  }
}

export async function rolesAt(
  db: pg.Pool | pg.PoolClient,
  user: UserRow,
  operatorId: string,
): Promise<Role[]> {
  const { rows } = await db.query('select roles from memberships where user_id = $1 and operator_id = $2', [
    user.id,
    operatorId,
  ]);
  const roles = new Set<Role>(['customer', ...((rows[0]?.roles as Role[]) ?? [])]);
  if (user.platform) roles.add('platform');
  return [...roles];
}
