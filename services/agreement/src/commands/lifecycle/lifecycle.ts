// After the purchase: switching the card, cancelling, withdrawing («angrerett»), an operator's
// termination, and the renewal run's end of what is over.
import {
  AppError,
  hasRole,
  isAppError,
  parseOrThrow,
  type Money,
  type RequestContext,
} from '@parking/contracts';
import {
  changePaymentMethodSchema,
  endDueSchema,
  getAgreementSchema,
  terminateSchema,
  type Agreement,
} from '@parking/contracts/agreement';
import { IDENTITY_SUBJECTS } from '@parking/contracts/identity';
import { PAYMENT_SUBJECTS, type PaymentMethod, type SettledCharge } from '@parking/contracts/payment';
import { evolve, initialState, isLive, type AgreementEvent } from '../../domain/agreement.js';
import { STREAM_PREFIX } from '../../projections/agreements/agreements.projection.js';
import type { Deps } from '../../deps.js';
import { runAgreementCommand } from '../run-command.js';
import { userOf } from '../metadata.js';

export async function cancel(deps: Deps, input: unknown, ctx: RequestContext): Promise<Agreement> {
  const userId = userOf(ctx);
  const { agreementId } = parseOrThrow(getAgreementSchema, input);
  const now = deps.clock.now();
  return (await runAgreementCommand(deps, ctx, agreementId, () => ({ type: 'Cancel', userId, now }))).view;
}

export async function withdraw(deps: Deps, input: unknown, ctx: RequestContext): Promise<Agreement> {
  const userId = userOf(ctx);
  const { agreementId } = parseOrThrow(getAgreementSchema, input);
  const now = deps.clock.now();
  return (await runAgreementCommand(deps, ctx, agreementId, () => ({ type: 'Withdraw', userId, now }))).view;
}

export async function changePaymentMethod(
  deps: Deps,
  input: unknown,
  ctx: RequestContext,
): Promise<Agreement> {
  const userId = userOf(ctx);
  const { agreementId, paymentMethodId } = parseOrThrow(changePaymentMethodSchema, input);
  const method = await deps.rpc
    .request<PaymentMethod>(PAYMENT_SUBJECTS.getMethod, { paymentMethodId }, ctx)
    .catch((err) => {
      if (isAppError(err) && err.code === 'NOT_FOUND') return null;
      throw err;
    });
  const now = deps.clock.now();
  return (
    await runAgreementCommand(deps, ctx, agreementId, () => ({
      type: 'ChangePaymentMethod',
      userId,
      paymentMethod: { id: paymentMethodId, usable: method?.status === 'active' },
      now,
    }))
  ).view;
}

export async function terminate(deps: Deps, input: unknown, ctx: RequestContext): Promise<Agreement> {
  if (!hasRole(ctx.caller, 'operator')) throw new AppError('FORBIDDEN', 'Needs the role operator');
  const { agreementId, reason, refund } = parseOrThrow(terminateSchema, input);
  const now = deps.clock.now();
  return (
    await runAgreementCommand(deps, ctx, agreementId, () => ({ type: 'Terminate', reason, refund, now }))
  ).view;
}

/**
 * Ends, at `asOf`, every agreement of the operator whose paid period is over (cancelled, one-off, or
 * unpaid after its last retry) and fails purchases unpaid for 15 minutes. Safe to run again: an ended
 * agreement decides nothing more.
 */
export async function endDue(deps: Deps, input: unknown, ctx: RequestContext): Promise<{ ended: number }> {
  if (ctx.caller.kind !== 'system' && !hasRole(ctx.caller, 'operator'))
    throw new AppError('FORBIDDEN', 'Only the renewal run ends agreements');
  const asOf = new Date(parseOrThrow(endDueSchema, input).asOf);
  const { rows } = await deps.pool.query(
    `select id from agreements where operator_id = $1 and (
       (status in ('active', 'past_due', 'cancelled_at_period_end') and (view->>'validTo')::timestamptz <= $2)
       or (status = 'pending_payment' and created_at <= $2::timestamptz - interval '15 minutes'))`,
    [ctx.operatorId, asOf],
  );
  let ended = 0;
  const endedNow: string[] = [];
  const metadata = {
    operatorId: ctx.operatorId,
    correlationId: ctx.correlationId,
    actor: { kind: 'system' as const, id: 'renewal-run' },
  };
  for (const { id } of rows) {
    // The run's last retry may have succeeded a moment ago, its event still on its way: ask first, and
    // end nothing unpaid without an answer (the next run comes back to it).
    let charged;
    try {
      charged = await nextPeriodCharge(deps, ctx, id);
    } catch (err) {
      deps.logger.warn(
        { err, agreementId: id },
        'payment did not say whether the period was paid; not ended',
      );
      continue;
    }
    if (charged) {
      await runAgreementCommand(
        deps,
        ctx,
        id,
        () => ({ type: 'RenewAgreement', ...charged, now: new Date(charged.chargedAt) }),
        metadata,
      );
      continue;
    }
    const { events } = await runAgreementCommand(
      deps,
      ctx,
      id,
      () => ({ type: 'EndIfOver', now: asOf }),
      metadata,
    );
    if (events.some((e) => e.type === 'AgreementEnded')) {
      ended++;
      endedNow.push(id);
    }
  }
  for (const id of endedNow) await notifyOnce(deps, ctx, id, 'agreement_ended');
  await remindOneOffsEnding(deps, ctx, asOf);
  return { ended };
}

/** The settled charge of the period after the last paid one, for an auto-renewing agreement. */
async function nextPeriodCharge(
  deps: Deps,
  ctx: RequestContext,
  agreementId: string,
): Promise<{ periodNumber: number; chargeId: string; amount: Money; chargedAt: string } | null> {
  const state = (await deps.store.readStream(`${STREAM_PREFIX}${agreementId}`))
    .map((e) => ({ type: e.type, data: e.data }) as AgreementEvent)
    .reduce(evolve, initialState());
  if (!isLive(state) || !state.product.autoRenew || state.status === 'cancelled_at_period_end') return null;
  const periodNumber = (state.paidPeriods.at(-1)?.periodNumber ?? 0) + 1;
  const { charge } = await deps.rpc.request<{ charge: SettledCharge | null }>(
    PAYMENT_SUBJECTS.settledCharge,
    { agreementId, periodNumber },
    ctx,
  );
  return charge ? { periodNumber, ...charge } : null;
}

/** One-off agreements ending within 7 days are announced once to their customer. */
async function remindOneOffsEnding(deps: Deps, ctx: RequestContext, asOf: Date): Promise<void> {
  const { rows } = await deps.pool.query(
    `select a.id from agreements a
     where a.operator_id = $1 and a.status = 'active' and not (a.view->>'autoRenew')::boolean
       and (a.view->>'validTo')::timestamptz > $2 and (a.view->>'validTo')::timestamptz <= $2::timestamptz + interval '7 days'
       and (a.view->>'validTo')::timestamptz - (a.view->>'validFrom')::timestamptz > interval '7 days'
       and not exists (select 1 from agreement_notices n where n.agreement_id = a.id and n.kind = 'agreement_ending')`,
    [ctx.operatorId, asOf],
  );
  for (const { id } of rows) await notifyOnce(deps, ctx, id, 'agreement_ending');
}

/**
 * Texts the agreement's customer through identity (which alone holds phone numbers), at most once per
 * kind. Best effort: a failed text is logged, and the notice stays unsent for the next run to retry.
 */
async function notifyOnce(deps: Deps, ctx: RequestContext, agreementId: string, kind: string): Promise<void> {
  const claimed = await deps.pool.query(
    'insert into agreement_notices (agreement_id, kind) values ($1, $2) on conflict do nothing',
    [agreementId, kind],
  );
  if (!claimed.rowCount) return;
  const { rows } = await deps.pool.query('select view from agreements where id = $1', [agreementId]);
  const view = rows[0]?.view as Agreement | undefined;
  if (!view) return;
  try {
    await deps.rpc.request(
      IDENTITY_SUBJECTS.notify,
      {
        userId: view.userId,
        template: kind,
        params: { product: view.product.name, until: view.validTo },
      },
      ctx,
    );
  } catch (err) {
    await deps.pool.query('delete from agreement_notices where agreement_id = $1 and kind = $2', [
      agreementId,
      kind,
    ]);
    deps.logger.warn({ err, agreementId, kind }, 'could not send the notice; the next run retries');
  }
}
