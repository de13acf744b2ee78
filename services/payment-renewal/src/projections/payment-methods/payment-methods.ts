// Stored cards of a customer at an operator: add (with the issuer's 3-D Secure when it asks), confirm,
// list, get. Only PSP references are kept, never card numbers.
import { randomUUID } from 'node:crypto';
import { AppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import { IDENTITY_SUBJECTS } from '@parking/contracts/identity';
import {
  addPaymentMethodSchema,
  confirmPaymentMethodSchema,
  getPaymentMethodSchema,
  removePaymentMethodSchema,
  type PaymentMethod,
} from '@parking/contracts/payment';
import type { Deps } from '../../deps.js';
import { STRIPE_REF } from '../../psp/stripe-refs.js';

interface Row {
  id: string;
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  status: 'active' | 'requires_action';
  challenge_id: string | null;
  psp_ref: string;
}

function toView(row: Row): PaymentMethod {
  const view: PaymentMethod = {
    id: row.id,
    brand: row.brand,
    last4: row.last4,
    expMonth: row.exp_month,
    expYear: row.exp_year,
    status: row.status,
  };
  if (row.status === 'requires_action' && row.challenge_id) {
    // Stripe's challenges are the issuer's page, reached by redirect; the sandbox's a code by SMS.
    view.challenge = {
      challengeId: row.challenge_id,
      kind: row.psp_ref.startsWith(STRIPE_REF) ? 'redirect' : 'otp',
    };
  }
  return view;
}

function customer(ctx: RequestContext): string {
  if (ctx.caller.kind !== 'user')
    throw new AppError('FORBIDDEN', 'Only a signed-in customer has payment methods');
  return ctx.caller.userId;
}

export async function addPaymentMethod(
  deps: Deps,
  input: unknown,
  ctx: RequestContext,
): Promise<PaymentMethod> {
  const userId = customer(ctx);
  const { token, returnUrl } = parseOrThrow(addPaymentMethodSchema, input);
  const operator = await deps.operators.get(ctx.operatorId);
  // Checked where it is used: the sandbox never redirects, so a portal served elsewhere still works there.
  if (
    returnUrl &&
    operator &&
    operator.psp.provider !== 'sandbox' &&
    !returnUrlAllowed(returnUrl, operator.hosts)
  )
    throw new AppError('VALIDATION', "The return URL is not on the operator's portal", {
      fields: [{ path: 'returnUrl', message: "https on one of the operator's hosts" }],
    });
  const added = await deps.psp.addCard({
    token,
    operatorAccount: operator?.psp.account ?? 'sandbox',
    provider: operator?.psp.provider ?? 'sandbox',
    ...(returnUrl ? { returnUrl } : {}),
  });
  if (added.status === 'declined') throw new AppError('PAYMENT_DECLINED', 'The card was declined');
  const id = randomUUID();
  const { rows } = await deps.pool.query(
    `insert into payment_methods (operator_id, id, user_id, psp_ref, brand, last4, exp_month, exp_year, status, challenge_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning *`,
    [
      ctx.operatorId,
      id,
      userId,
      added.pspRef,
      added.brand,
      added.last4,
      added.expMonth,
      added.expYear,
      added.status,
      added.challenge?.challengeId ?? null,
    ],
  );
  if (added.status === 'requires_action' && added.challenge?.code) {
    // The issuer texts the code to the card holder; in the sandbox we ask identity to do it.
    await deps.rpc.request(
      IDENTITY_SUBJECTS.notify,
      { userId, template: 'card_verification_code', params: { code: added.challenge.code } },
      ctx,
    );
  }
  const view = toView(rows[0]);
  // The issuer's page is shown once, right after adding (it is not kept).
  if (view.challenge && added.challenge?.redirectUrl)
    view.challenge.redirectUrl = added.challenge.redirectUrl;
  return view;
}

/**
 * Where a 3-D Secure redirect may send the card holder back to: the operator's own portal (https on one
 * of its hosts), or a loopback host in development — never elsewhere (no open redirect through the PSP).
 */
export function returnUrlAllowed(returnUrl: string, hosts: string[]): boolean {
  let url: URL;
  try {
    url = new URL(returnUrl);
  } catch {
    return false;
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.username || url.password) return false;
  if (loopback) return url.protocol === 'http:' || url.protocol === 'https:';
  return url.protocol === 'https:' && hosts.some((h) => h.toLowerCase() === url.hostname.toLowerCase());
}

export async function confirmPaymentMethod(
  deps: Deps,
  input: unknown,
  ctx: RequestContext,
): Promise<PaymentMethod> {
  const userId = customer(ctx);
  const { paymentMethodId, code } = parseOrThrow(confirmPaymentMethodSchema, input);
  const row = await findRow(deps, ctx.operatorId, userId, paymentMethodId);
  if (!row) throw new AppError('NOT_FOUND', 'payment method not found');
  if (row.status === 'active') return toView(row);
  const kind = toView(row).challenge?.kind;
  if (kind !== 'redirect' && !code)
    throw new AppError('VALIDATION', 'The verification code is required', {
      fields: [{ path: 'code', message: 'required' }],
    });
  const result = await deps.psp.confirmCard({
    pspRef: row.psp_ref,
    challengeId: row.challenge_id ?? '',
    code: code ?? '',
  });
  if (result === 'wrong_code' && kind === 'redirect') {
    throw new AppError('RULE_VIOLATED', 'The card holder has not completed the 3-D Secure challenge', {
      fields: [{ path: 'code', message: '3-D Secure not completed' }],
    });
  }
  if (result === 'wrong_code') {
    throw new AppError('RULE_VIOLATED', 'The verification code is wrong', {
      fields: [{ path: 'code', message: 'wrong verification code' }],
    });
  }
  const { rows } = await deps.pool.query(
    `update payment_methods set status = 'active', challenge_id = null where id = $1 returning *`,
    [row.id],
  );
  return toView(rows[0]);
}

export async function listPaymentMethods(deps: Deps, ctx: RequestContext) {
  const userId = customer(ctx);
  const { rows } = await deps.pool.query(
    `select * from payment_methods where operator_id = $1 and user_id = $2 and deleted_at is null order by created_at`,
    [ctx.operatorId, userId],
  );
  return { items: rows.map(toView), nextCursor: null };
}

export async function getPaymentMethod(
  deps: Deps,
  input: unknown,
  ctx: RequestContext,
): Promise<PaymentMethod> {
  const userId = customer(ctx);
  const { paymentMethodId } = parseOrThrow(getPaymentMethodSchema, input);
  const row = await findRow(deps, ctx.operatorId, userId, paymentMethodId);
  if (!row) throw new AppError('NOT_FOUND', 'payment method not found');
  return toView(row);
}

/** Removes a card, unless an auto-renewing agreement still renews with it (409: switch its card first). */
export async function removePaymentMethod(deps: Deps, input: unknown, ctx: RequestContext): Promise<void> {
  const userId = customer(ctx);
  const { paymentMethodId } = parseOrThrow(removePaymentMethodSchema, input);
  const row = await findRow(deps, ctx.operatorId, userId, paymentMethodId);
  if (!row) throw new AppError('NOT_FOUND', 'payment method not found');
  const client = await deps.pool.connect();
  try {
    await client.query('begin');
    // Locks the renewals using the card, so a card change racing this removal is seen.
    const renewing = await client.query(
      `select agreement_id from renewals
       where operator_id = $1 and payment_method_id = $2 and period_number is not null
         and auto_renew and status in ('active', 'past_due')
       for update`,
      [ctx.operatorId, row.id],
    );
    if (renewing.rowCount)
      throw new AppError(
        'CONFLICT',
        'An auto-renewing agreement renews with this card: change its card first',
        {
          data: { agreementIds: renewing.rows.map((r) => r.agreement_id) },
        },
      );
    await client.query(
      `update payment_methods set deleted_at = now(), psp_ref = 'removed', challenge_id = null
       where id = $1 and deleted_at is null`,
      [row.id],
    );
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

async function findRow(deps: Deps, operatorId: string, userId: string, id: string): Promise<Row | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const { rows } = await deps.pool.query(
    'select * from payment_methods where id = $1 and operator_id = $2 and user_id = $3 and deleted_at is null',
    [id, operatorId, userId],
  );
  return rows[0] ?? null;
}

/** The PSP reference of a method, for charging (no owner check: the agreement chose it at purchase). */
export async function pspRefOf(
  deps: Deps,
  operatorId: string,
  paymentMethodId: string,
): Promise<string | null> {
  const { rows } = await deps.pool.query(
    'select psp_ref from payment_methods where id = $1 and operator_id = $2',
    [paymentMethodId, operatorId],
  );
  return rows[0]?.psp_ref ?? null;
}
