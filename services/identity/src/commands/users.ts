// People: one per phone number, event-sourced (`user-<id>` streams), with the `users` and `memberships`
// tables as their read model, written in the same transaction as the events.
import { randomUUID } from 'node:crypto';
import { AppError, isAppError, type Role } from '@parking/contracts';
import type { EventMetadata, PostgresEventStore } from '@parking/event-store';
import type pg from 'pg';
import {
  decideUser,
  evolveUser,
  initialUserState,
  type UserCommand,
  type UserEvent,
} from '../domain/user.js';
import { destroyKey, personalKey, sealEvent } from '../privacy/personal-data.js';

export const USER_STREAM = 'user-';

export interface UserRow {
  id: string;
  phone: string;
  name: string | null;
  email: string | null;
  address: string | null;
  password_hash: string | null;
  platform: boolean;
  erased_at: Date | null;
}

export async function findUserByPhone(db: pg.Pool | pg.PoolClient, phone: string): Promise<UserRow | null> {
  const { rows } = await db.query('select * from users where phone = $1 and erased_at is null', [phone]);
  return rows[0] ?? null;
}

export async function findUser(db: pg.Pool | pg.PoolClient, id: string): Promise<UserRow | null> {
  const { rows } = await db.query('select * from users where id = $1 and erased_at is null', [id]);
  return rows[0] ?? null;
}

export interface UserStoreDeps {
  pool: pg.Pool;
  store: PostgresEventStore;
}

/**
 * Decides a command on the person's stream and appends the outcome with its personal fields sealed,
 * updating the read model in the same transaction. Retried when another writer got there first.
 */
export async function runUserCommand(
  deps: UserStoreDeps,
  userId: string,
  command: UserCommand,
  metadata: EventMetadata,
): Promise<UserEvent[]> {
  for (let attempt = 0; ; attempt++) {
    const client = await deps.pool.connect();
    try {
      await client.query('begin');
      const history = await deps.store.readStream(`${USER_STREAM}${userId}`, { client });
      const state = history.map((e) => e as unknown as UserEvent).reduce(evolveUser, initialUserState());
      const events = decideUser(command, state);
      if (events.length) {
        const key = await personalKey(client, userId);
        await deps.store.append(
          `${USER_STREAM}${userId}`,
          events.map((e) => ({ ...sealEvent(key, e), metadata })),
          {
            expectedVersion: history.length ? history[history.length - 1].streamVersion : 'no_stream',
            streamType: 'user',
            client,
          },
        );
        for (const e of events) await applyToReadModel(client, e);
      }
      await client.query('commit');
      return events;
    } catch (err) {
      await client.query('rollback').catch(() => {});
      if (isAppError(err) && err.code === 'CONFLICT' && attempt < 3) continue;
      throw err;
    } finally {
      client.release();
    }
  }
}

async function applyToReadModel(db: pg.PoolClient, event: UserEvent): Promise<void> {
  const { userId } = event.data;
  switch (event.type) {
    case 'UserRegistered':
      await db.query('insert into users (id, phone) values ($1, $2)', [userId, event.data.phone]);
      return;
    case 'MembershipStarted':
      await db.query(
        `insert into memberships (user_id, operator_id, roles) values ($1, $2, '{customer}')
         on conflict do nothing`,
        [userId, event.data.operatorId],
      );
      return;
    case 'RolesChanged':
      await db.query(
        `insert into memberships (user_id, operator_id, roles) values ($1, $2, $3)
         on conflict (user_id, operator_id) do update set roles = excluded.roles`,
        [userId, event.data.operatorId, event.data.roles],
      );
      return;
    case 'PlatformRoleGranted':
      await db.query('update users set platform = true where id = $1', [userId]);
      return;
    case 'ProfileChanged':
      await db.query('update users set name = $2, email = $3, address = $4 where id = $1', [
        userId,
        event.data.name,
        event.data.email,
        event.data.address,
      ]);
      return;
    case 'PasswordSet':
      await db.query('update users set password_hash = $2 where id = $1', [userId, event.data.passwordHash]);
      return;
    case 'UserErased':
      // The read model forgets the person; the events keep only sealed data whose key goes now. Their
      // sign-in codes go with them (the rate-limit claims hold only keyed hashes and go within 24 h).
      await db.query('delete from otp_challenges where phone = (select phone from users where id = $1)', [
        userId,
      ]);
      await db.query(
        `update users set phone = 'erased:' || id, name = null, email = null, address = null,
           password_hash = null, platform = false, erased_at = now() where id = $1`,
        [userId],
      );
      await db.query(
        'update refresh_tokens set revoked_at = now() where user_id = $1 and revoked_at is null',
        [userId],
      );
      await db.query(
        'update session_families set revoked_at = now() where user_id = $1 and revoked_at is null',
        [userId],
      );
      await destroyKey(db, userId);
      return;
  }
}

/**
 * The user of a phone number, registering them when new, and making them a member of the operator they
 * signed in through. Named grants (operator admins, platform staff) apply before the first token. Two
 * first sign-ins racing for one phone get the same user: the unique phone decides, the loser reads it.
 */
export async function ensureUser(
  deps: UserStoreDeps,
  phone: string,
  operatorId: string,
  bootstrapPlatformPhones: string[],
): Promise<UserRow> {
  let user = await findUserByPhone(deps.pool, phone);
  if (!user) {
    const userId = randomUUID();
    try {
      await runUserCommand(
        deps,
        userId,
        { type: 'Register', userId, phone },
        { operatorId, actor: { kind: 'user', id: userId } },
      );
    } catch (err) {
      if ((err as { code?: string }).code !== '23505') throw err;
    }
    user = await findUserByPhone(deps.pool, phone);
    if (!user) throw new AppError('INTERNAL', 'the user was not registered');
    if (user.id === userId) await applyPendingGrants(deps, user, bootstrapPlatformPhones);
  }
  await runUserCommand(
    deps,
    user.id,
    { type: 'JoinOperator', operatorId },
    { operatorId, actor: { kind: 'user', id: user.id } },
  );
  return (await findUser(deps.pool, user.id))!;
}

/** Grants named before the person signed up (operator admins, platform staff), before their first token. */
async function applyPendingGrants(
  deps: UserStoreDeps,
  user: UserRow,
  bootstrapPlatformPhones: string[],
): Promise<void> {
  if (bootstrapPlatformPhones.includes(user.phone)) {
    await runUserCommand(
      deps,
      user.id,
      { type: 'GrantPlatform' },
      { operatorId: '', actor: { kind: 'system', id: 'BOOTSTRAP_PLATFORM_PHONES' } },
    );
  }
  // Applied first, forgotten after: a crash in between repeats grants, which change nothing twice.
  const { rows } = await deps.pool.query(
    'select operator_id, role, granted_by from pending_grants where phone = $1',
    [user.phone],
  );
  for (const g of rows) {
    const actor = { kind: 'user' as const, id: g.granted_by ?? undefined };
    if (g.role === 'platform') {
      await runUserCommand(deps, user.id, { type: 'GrantPlatform' }, { operatorId: '', actor });
    } else {
      await runUserCommand(
        deps,
        user.id,
        { type: 'GrantRole', operatorId: g.operator_id, role: g.role },
        { operatorId: g.operator_id, actor },
      );
    }
  }
  await deps.pool.query('delete from pending_grants where phone = $1', [user.phone]);
}

export async function rolesAt(
  db: pg.Pool | pg.PoolClient,
  user: Pick<UserRow, 'id' | 'platform'>,
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
