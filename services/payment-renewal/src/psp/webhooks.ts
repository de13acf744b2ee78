// The PSP's signed notifications (`POST /v1/psp/webhooks`, forwarded by the gateway with the raw body):
// HMAC-SHA256 of the body under PSP_WEBHOOK_SECRET, hex, in `psp-signature`. A settled charge that was
// pending is recorded as the run would have (receipt, event, next attempt); anything already settled
// or unknown is acknowledged and changes nothing, so the PSP's redeliveries are harmless.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import { pspNotificationSchema, pspWebhookSchema } from '@parking/contracts/payment';
import type { DueRenewal } from '../commands/running-renewals/renewal-batch.js';
import { record } from '../commands/running-renewals/renewal-batch.js';
import type { Deps } from '../deps.js';
import { recordFirstChargeOutcome } from '../charging/first-charge.js';

export function signPspPayload(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

function verified(secret: string, payload: string, signature: string): boolean {
  const expected = Buffer.from(signPspPayload(secret, payload), 'hex');
  const given = Buffer.from(signature.replace(/^sha256=/, ''), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function receivePspWebhook(
  deps: Deps,
  input: unknown,
  ctx: RequestContext,
): Promise<{ settled: boolean }> {
  const { payload, signature } = parseOrThrow(pspWebhookSchema, input);
  if (!verified(deps.config.PSP_WEBHOOK_SECRET, payload, signature))
    throw new AppError('UNAUTHENTICATED', 'The PSP signature does not match');
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    throw new AppError('VALIDATION', 'The notification is not JSON');
  }
  const note = parseOrThrow(pspNotificationSchema, body);
  const tx = await deps.pool.connect();
  try {
    await tx.query('begin');
    const charge = (
      await tx.query(
        `select * from charges where idempotency_key = $1
           and (status = 'pending' or (status = 'charging' and period_number = 1)) for update`,
        [note.idempotencyKey],
      )
    ).rows[0];
    // A first charge is recorded from its own row, whatever became of the agreement's renewal row
    // meanwhile (a vehicle change while pending used to clear it, leaving the money unrecorded).
    if (charge && charge.period_number === 1 && charge.details) {
      const succeeded = note.type === 'charge.succeeded';
      await recordFirstChargeOutcome(deps, tx, charge.id, {
        status: succeeded ? 'succeeded' : 'failed',
        pspChargeId: note.pspChargeId ?? charge.psp_charge_id ?? '',
        ...(succeeded ? {} : { reason: note.reason ?? 'declined' }),
      });
      await tx.query('commit');
      return { settled: true };
    }
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
