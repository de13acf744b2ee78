// The signed-in person's profile, the dev SMS inbox, and texting a user for other services.
import { AppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import { notifySchema, type DevSms, type Me } from '@parking/contracts/identity';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { getOperator } from '../operators/operators.js';
import { TEMPLATES } from '../sms/sms.port.js';
import { findUser, rolesAt } from './users.js';

export async function me(deps: Deps, ctx: RequestContext): Promise<Me> {
  if (ctx.caller.kind !== 'user') throw new AppError('FORBIDDEN', 'Only people have a profile');
  const user = await findUser(deps.pool, ctx.caller.userId);
  if (!user) throw new AppError('NOT_FOUND', 'user not found');
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
    text: text(params),
  });
  return {};
}
