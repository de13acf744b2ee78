// Charges the first period when an agreement is requested. Every step is idempotent by the period's
// key (agreement + period): the PSP charges a key once, the charge row and receipt are keyed by it, and
// the charge's event stream is created once — so a redelivery, a crash or a second replica never
// charges twice or issues a second receipt.
import { isAppError, type RequestContext } from '@parking/contracts';
import type { AgreementRequested } from '@parking/contracts/agreement';
import type { ChargeFailed, ChargeSucceeded } from '@parking/contracts/payment';
import type { ConsumedEvent } from '@parking/messaging';
import type pg from 'pg';
import type { Deps } from '../../deps.js';
import { chargeKey, uuidFrom } from '../../domain/ids.js';
import { buildReceipt } from '../../domain/receipt.js';
import { pspRefOf } from '../../projections/payment-methods/payment-methods.js';

export function chargeFirstPeriodReaction(deps: Deps) {
  return async (event: ConsumedEvent, tx: pg.PoolClient): Promise<void> => {
    const request = event.data as AgreementRequested;
    const key = chargeKey(request.agreementId, request.periodNumber);
    const chargeId = uuidFrom(`charge:${key}`);
    const ctx: RequestContext = {
      operatorId: event.operatorId,
      caller: { kind: 'system', service: 'payment-renewal' },
      correlationId: event.correlationId ?? event.eventId,
      traceparent: event.traceparent,
    };

    await tx.query(
      `insert into charges (operator_id, id, agreement_id, period_number, idempotency_key, amount, status)
       values ($1, $2, $3, $4, $5, $6, 'pending') on conflict (agreement_id, period_number) do nothing`,
      [event.operatorId, chargeId, request.agreementId, request.periodNumber, key, request.amount.amount],
    );
    const { rows } = await tx.query(
      'select * from charges where agreement_id = $1 and period_number = $2 for update',
      [request.agreementId, request.periodNumber],
    );
    let charge = rows[0];
    if (charge.status === 'pending') {
      const pspRef = await pspRefOf(deps, event.operatorId, request.paymentMethodId);
      const result = pspRef
        ? await deps.psp.charge({
            pspRef,
            amount: request.amount,
            idempotencyKey: key,
            operatorAccount: 'sandbox',
          })
        : { status: 'failed' as const, reason: 'processing_error' as const, pspChargeId: '' };
      let receiptId: string | null = null;
      if (result.status === 'succeeded') receiptId = await issueReceipt(deps, tx, ctx, request, key);
      const updated = await tx.query(
        `update charges set status = $2, reason = $3, psp_charge_id = $4, receipt_id = $5, settled_at = now()
         where id = $1 returning *`,
        [charge.id, result.status, result.reason ?? null, result.pspChargeId, receiptId],
      );
      charge = updated.rows[0];
    }
    // Settled later: the PSP's webhook reports the outcome (psp/webhooks.ts records it then).
    if (charge.status === 'pending') return;
    await recordSettlement(deps, event, request, charge);
  };
}

async function issueReceipt(
  deps: Deps,
  tx: pg.PoolClient,
  ctx: RequestContext,
  request: AgreementRequested,
  key: string,
): Promise<string> {
  const receiptId = uuidFrom(`receipt:${key}`);
  const operator = await deps.operators.get(ctx.operatorId);
  // Gap-free per operator: the number is taken in the same transaction that stores the receipt.
  const seq = await tx.query(
    `insert into receipt_sequences (operator_id, last_number) values ($1, 1)
     on conflict (operator_id) do update set last_number = receipt_sequences.last_number + 1
     returning last_number`,
    [ctx.operatorId],
  );
  const number = Number(seq.rows[0].last_number);
  const receipt = buildReceipt({
    id: receiptId,
    number,
    kind: 'charge',
    agreementId: request.agreementId,
    issuedAt: deps.clock.now(),
    seller: {
      name: operator?.name ?? 'unknown',
      organisationNumber: operator?.organisationNumber ?? '',
      address: operator?.address ?? '',
    },
    buyer: { userId: request.userId, name: null },
    product: { id: request.productId, name: request.productName },
    plates: request.snapshot.vehicles.map((v) => v.plate),
    period: request.period,
    amount: request.amount.amount,
    vatRate: request.vatRate,
  });
  await tx.query(
    `insert into receipts (operator_id, id, number, user_id, agreement_id, kind, issued_at, body)
     values ($1, $2, $3, $4, $5, 'charge', $6, $7)`,
    [ctx.operatorId, receiptId, number, request.userId, request.agreementId, receipt.issuedAt, receipt],
  );
  return receiptId;
}

/** Appends the charge's outcome once: the stream of a period's charge is created exactly once. */
async function recordSettlement(
  deps: Deps,
  event: ConsumedEvent,
  request: AgreementRequested,
  charge: {
    id: string;
    status: string;
    reason: string | null;
    receipt_id: string | null;
    settled_at: Date | null;
  },
): Promise<void> {
  const at = (charge.settled_at ?? deps.clock.now()).toISOString();
  const data: ChargeSucceeded | ChargeFailed =
    charge.status === 'succeeded'
      ? {
          chargeId: charge.id,
          agreementId: request.agreementId,
          periodNumber: request.periodNumber,
          amount: request.amount,
          receiptId: charge.receipt_id!,
          chargedAt: at,
        }
      : {
          chargeId: charge.id,
          agreementId: request.agreementId,
          periodNumber: request.periodNumber,
          amount: request.amount,
          reason: (charge.reason ?? 'processing_error') as ChargeFailed['reason'],
          failedAt: at,
        };
  try {
    await deps.store.append(
      `charge-${request.agreementId}-${request.periodNumber}`,
      [
        {
          type: charge.status === 'succeeded' ? 'ChargeSucceeded' : 'ChargeFailed',
          data,
          eventId: uuidFrom(`event:${charge.id}`),
          metadata: {
            operatorId: event.operatorId,
            correlationId: event.correlationId,
            causationId: event.eventId,
            traceparent: event.traceparent,
            actor: { kind: 'system', id: 'payment-renewal' },
          },
        },
      ],
      { expectedVersion: 'no_stream', streamType: 'charge' },
    );
  } catch (err) {
    if (isAppError(err) && err.code === 'CONFLICT') return; // recorded by an earlier delivery
    throw err;
  }
}
