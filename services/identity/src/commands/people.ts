// The signed-in person: profile, password, export of everything held about them and erasure; the dev
// SMS inbox; and texting a user for other services.
import { AppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import {
  notifySchema,
  passwordSchema,
  PRIVACY_EXPORT_SUBJECTS,
  profileSchema,
  type DevSms,
  type Me,
  type PersonalDataExport,
} from '@parking/contracts/identity';
import { z } from 'zod';
import { otpHashKey } from '../config.js';
import type { Deps } from '../deps.js';
import { forgetSignInData } from '../privacy/retention.js';
import { getOperator } from '../operators/operators.js';
import { TEMPLATES } from '../sms/sms.port.js';
import { hashSecret } from '../tokens/secret-hashing.js';
import { metadataOf } from './actor.js';
import { findUser, rolesAt, runUserCommand, type UserRow } from './users.js';

async function signedIn(deps: Deps, ctx: RequestContext): Promise<UserRow> {
  if (ctx.caller.kind !== 'user') throw new AppError('FORBIDDEN', 'Only people have a profile');
  const user = await findUser(deps.pool, ctx.caller.userId);
  if (!user) throw new AppError('UNAUTHENTICATED', 'The user no longer exists');
  return user;
}

export async function me(deps: Deps, ctx: RequestContext): Promise<Me> {
  const user = await signedIn(deps, ctx);
  const operator = await getOperator(deps.pool, ctx.operatorId);
  return {
    id: user.id,
    phone: user.phone,
    name: user.name,
    email: user.email,
    address: user.address,
    hasPassword: Boolean(user.password_hash),
    operator: operator.slug,
    roles: await rolesAt(deps.pool, user, ctx.operatorId),
  };
}

const devSmsSchema = z.object({ phone: z.string().max(32).optional() });

export async function devSms(deps: Deps, input: unknown): Promise<{ items: DevSms[] }> {
  if (deps.sms.kind !== 'dev-inbox') throw new AppError('NOT_FOUND', 'the dev inbox is off');
  const { phone } = parseOrThrow(devSmsSchema, input ?? {});
  const { rows } = await deps.pool.query(
    `select id::text, phone, operator_slug as operator, text, sent_at from dev_sms
     where $1::text is null or phone = $1 order by id desc limit 50`,
    [phone ?? null],
  );
  return {
    items: rows.map((r) => ({
      id: r.id,
      phone: r.phone,
      operator: r.operator,
      text: r.text,
      sentAt: r.sent_at.toISOString(),
    })),
  };
}

export async function notify(
  deps: Deps,
  input: unknown,
  ctx: RequestContext,
): Promise<Record<string, never>> {
  const { userId, template, params } = parseOrThrow(notifySchema, input);
  const text = TEMPLATES[template];
  if (!text)
    throw new AppError('VALIDATION', 'Unknown template', {
      fields: [{ path: 'template', message: 'unknown' }],
    });
  const user = await findUser(deps.pool, userId);
  if (!user) throw new AppError('NOT_FOUND', 'user not found');
  const operator = await getOperator(deps.pool, ctx.operatorId);
  await deps.sms.send({
    operatorSlug: operator.slug,
    sender: operator.smsSender,
    phone: user.phone,
    text: text(params, operator),
  });
  return {};
}

export async function updateProfile(deps: Deps, input: unknown, ctx: RequestContext): Promise<Me> {
  const { name, email, address } = parseOrThrow(profileSchema, input);
  const user = await signedIn(deps, ctx);
  await runUserCommand(
    deps,
    user.id,
    { type: 'ChangeProfile', name, email, address: address ?? null },
    metadataOf(ctx),
  );
  return me(deps, ctx);
}

export async function setPassword(
  deps: Deps,
  input: unknown,
  ctx: RequestContext,
): Promise<Record<string, never>> {
  const { password } = parseOrThrow(passwordSchema, input);
  const user = await signedIn(deps, ctx);
  const passwordHash = await hashSecret(password);
  await runUserCommand(deps, user.id, { type: 'SetPassword', passwordHash }, metadataOf(ctx));
  return {};
}

/** Everything held about the person, with every operator: identity's part and each service's. */
export async function exportMe(deps: Deps, ctx: RequestContext): Promise<PersonalDataExport> {
  const user = await signedIn(deps, ctx);
  const { rows } = await deps.pool.query(
    `select o.id, o.slug from memberships m join operators o on o.id = m.operator_id
     where m.user_id = $1 order by o.slug`,
    [user.id],
  );
  const operators: PersonalDataExport['operators'] = [];
  for (const o of rows) {
    const asked: RequestContext = { ...ctx, operatorId: o.id };
    const sections = await Promise.all(
      Object.values(PRIVACY_EXPORT_SUBJECTS).map((subject) =>
        deps.rpc.request<Record<string, unknown>>(subject, { userId: user.id }, asked),
      ),
    );
    operators.push({
      operator: o.slug,
      roles: await rolesAt(deps.pool, user, o.id),
      ...Object.assign({}, ...sections),
    });
  }
  return {
    user: { id: user.id, phone: user.phone, name: user.name, email: user.email, address: user.address },
    operators,
  };
}

/**
 * Erases the person: the read model forgets them, their key is destroyed (so the personal data in
 * their events can no longer be read) and UserErased tells every service to end their agreements at
 * period end, erase payment tokens and pseudonymise what the law makes us keep.
 */
export async function eraseMe(deps: Deps, ctx: RequestContext): Promise<Record<string, never>> {
  const user = await signedIn(deps, ctx);
  await runUserCommand(deps, user.id, { type: 'Erase' }, metadataOf(ctx));
  await forgetSignInData(deps.pool, otpHashKey(deps.config), user.phone);
  return {};
}
