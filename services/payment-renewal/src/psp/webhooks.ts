// The PSP's signed notifications (`POST /v1/psp/webhooks`, forwarded by the gateway with the raw body):
// the sandbox's are HMAC-SHA256 of the body under PSP_WEBHOOK_SECRET, hex, in `psp-signature`; Stripe's
// are verified by its scheme (stripe-signature.ts) and mapped to the same notification (a charge settled,
// named by the idempotency key in its metadata; a card's 3-D Secure completed). A settled charge that was
// pending is recorded as the run would have (receipt, event, next attempt); anything already settled
// or unknown is acknowledged and changes nothing, so the PSP's redeliveries are harmless.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { AppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import { pspNotificationSchema, pspWebhookSchema } from '@parking/contracts/payment';
import type { DueRenewal } from '../commands/running-renewals/renewal-batch.js';
import { record } from '../commands/running-renewals/renewal-batch.js';
import type { Deps } from '../deps.js';
import { declineReason } from './stripe-psp.js';
import { chargeRef } from './stripe-refs.js';

export function signPspPayload(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

function verified(secret: string, payload: string, signature: string): boolean {
  const expected = Buffer.from(signPspPayload(secret, payload), 'hex');
  const given = Buffer.from(signature.replace(/^sha256=/, ''), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

type Notification = z.output<typeof pspNotificationSchema>;

function sandboxNotification(deps: Deps, payload: string, signature: string): Notification {
  // No sandbox in production (bootstrap), so none of its notifications either, whatever the secret.
  if (deps.config.NODE_ENV === 'production')
    throw new AppError('UNAUTHENTICATED', 'The PSP signature does not match');
  if (!verified(deps.config.PSP_WEBHOOK_SECRET, payload, signature))
    throw new AppError('UNAUTHENTICATED', 'The PSP signature does not match');
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    throw new AppError('VALIDATION', 'The notification is not JSON');
  }
  return parseOrThrow(pspNotificationSchema, body);
}

/**
 * A Stripe event, verified over the raw body, as the notification it means (null: nothing to settle —
 * acknowledged, so that Stripe stops sending it). A card's completed 3-D Secure activates it here too.
 */
async function stripeNotification(
  deps: Deps,
  payload: string,
  signature: string,
): Promise<Notification | null> {
  if (!deps.stripe) throw new AppError('UNAUTHENTICATED', 'No Stripe account is configured');
  const verdict = deps.stripe.verifyWebhook(payload, signature);
  if ('refused' in verdict)
    throw new AppError('UNAUTHENTICATED', `The Stripe signature is refused (${verdict.refused})`);
  const { event } = verdict;
  const object = event.data?.object ?? {};
  const account = event.account ?? 'self';
  if (event.type === 'setup_intent.succeeded' && typeof object.id === 'string') {
    await deps.pool.query(
      `update payment_methods set status = 'active', challenge_id = null
       where challenge_id = $1 and status = 'requires_action' and psp_ref like $2 and deleted_at is null`,
      [object.id, `stripe:${account}:%`],
    );
    return null;
  }
  if (event.type !== 'payment_intent.succeeded' && event.type !== 'payment_intent.payment_failed')
    return null;
  const metadata = (object.metadata ?? {}) as Record<string, unknown>;
  const idempotencyKey = metadata.idempotency_key;
  if (typeof idempotencyKey !== 'string' || !idempotencyKey || typeof object.id !== 'string') return null;
  // Only the operator's own account may settle its charges: with Stripe Connect an operator can make
  // payment intents in its account with any metadata, and `account` is the one field Stripe sets.
  const { rows } = await deps.pool.query('select operator_id from charges where idempotency_key = $1', [
    idempotencyKey,
  ]);
  if (!rows[0]) return null;
  const operator = await deps.operators.get(rows[0].operator_id);
  if (operator?.psp.provider !== 'stripe' || operator.psp.account !== account) {
    deps.logger.warn(
      { eventId: event.id, operatorId: rows[0].operator_id },
      "a Stripe event from another account than the charge's operator is ignored",
    );
    return null;
  }
  const error = (object.last_payment_error ?? {}) as { code?: string; decline_code?: string };
  return {
    type: event.type === 'payment_intent.succeeded' ? 'charge.succeeded' : 'charge.failed',
    idempotencyKey,
    pspChargeId: chargeRef(account, object.id),
    ...(event.type === 'payment_intent.payment_failed'
      ? { reason: declineReason(error.code, error.decline_code) }
      : {}),
  };
}

export async function receivePspWebhook(
  deps: Deps,
  input: unknown,
  ctx: RequestContext,
): Promise<{ settled: boolean }> {
  const { payload, signature, scheme } = parseOrThrow(pspWebhookSchema, input);
  const note =
    scheme === 'stripe'
      ? await stripeNotification(deps, payload, signature)
      : sandboxNotification(deps, payload, signature);
  if (!note) return { settled: false };
  const tx = await deps.pool.connect();
  try {
    await tx.query('begin');
    const charge = (
      await tx.query(`select * from charges where idempotency_key = $1 and status = 'pending' for update`, [
        note.idempotencyKey,
      ])
    ).rows[0];
    const row = charge
      ? ((
          await tx.query(
            `select r.*, null as charge_status, $2::int as charge_attempt, $3::int as charge_amount
             from renewals r where r.agreement_id = $1 and r.period_number = $4 for update`,
            [charge.agreement_id, charge.attempt, charge.amount, charge.period_number],
          )
        ).rows[0] as DueRenewal | undefined)
      : undefined;
    if (!charge || !row) {
      await tx.query('commit');
      return { settled: false };
    }
    const operator = await deps.operators.get(charge.operator_id);
    const succeeded = note.type === 'charge.succeeded';
    await record(
      deps,
      tx,
      {
        operatorId: charge.operator_id,
        asOf: deps.clock.now(),
        ctx: { ...ctx, operatorId: charge.operator_id },
        seller: {
          name: operator?.name ?? 'unknown',
          organisationNumber: operator?.organisationNumber ?? '',
          address: operator?.address ?? '',
        },
      },
      [
        {
          kind: succeeded ? 'charged' : 'failed',
          row,
          attempt: charge.attempt,
          amount: charge.amount,
          result: {
            status: succeeded ? 'succeeded' : 'failed',
            pspChargeId: note.pspChargeId ?? charge.psp_charge_id ?? '',
            ...(succeeded ? {} : { reason: note.reason ?? 'declined' }),
          },
        },
      ],
    );
    await tx.query('commit');
    return { settled: true };
  } catch (err) {
    await tx.query('rollback').catch(() => {});
    throw err;
  } finally {
    tx.release();
  }
}
