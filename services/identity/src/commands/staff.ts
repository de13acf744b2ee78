// An operator's people: its customers and staff, and the roles its admins grant (effective at the
// person's next token).
import { AppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import { listUsersSchema, setRolesSchema, type AdminUser } from '@parking/contracts/identity';
import type { Deps } from '../deps.js';
import { metadataOf, requireRole } from './actor.js';
import { findUser, rolesAt, runUserCommand } from './users.js';

export async function listUsers(
  deps: Deps,
  input: unknown,
  ctx: RequestContext,
): Promise<{ items: AdminUser[] }> {
  requireRole(ctx, 'operator');
  const { phone } = parseOrThrow(listUsersSchema, input ?? {});
  const { rows } = await deps.pool.query(
    `select u.id, u.phone, u.name, u.platform, m.roles from memberships m join users u on u.id = m.user_id
     where m.operator_id = $1 and u.erased_at is null and ($2::text is null or u.phone = $2)
     order by u.created_at, u.id limit 200`,
    [ctx.operatorId, phone ?? null],
  );
  return {
    items: rows.map((r) => ({
      id: r.id,
      phone: r.phone,
      name: r.name,
      roles: ['customer', ...r.roles.filter((x: string) => x !== 'customer')],
    })),
  };
}

export async function setRoles(
  deps: Deps,
  input: unknown,
  ctx: RequestContext,
): Promise<{ id: string; phone: string; roles: string[] }> {
  requireRole(ctx, 'operator');
  const { userId, roles } = parseOrThrow(setRolesSchema, input);
  const user = /^[0-9a-f-]{36}$/i.test(userId) ? await findUser(deps.pool, userId) : null;
  if (!user) throw new AppError('NOT_FOUND', 'The person is not a customer of this operator');
  await runUserCommand(
    deps,
    user.id,
    { type: 'SetRoles', operatorId: ctx.operatorId, roles },
    metadataOf(ctx),
  );
  const held = await rolesAt(deps.pool, { ...user, platform: false }, ctx.operatorId);
  return { id: user.id, phone: user.phone, roles: held };
}
