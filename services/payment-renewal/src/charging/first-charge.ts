// The first period's charge, as one explicit process with no PSP call inside a database transaction:
//   awaiting_decision → (the agreement says period 1 may be charged) → charging → PSP → outcome.
// The purchase itself is the agreement's decision when the agreement service asks directly (the
// one-round-trip purchase, `payment.charges.first-period`); the event path (AgreementRequested, the
// recovery after a crash) records `awaiting_decision` and asks the agreement first. Every step is keyed
// by agreement + period: the row is created once, the PSP charges the key once, and the outcome
// (charge row, receipt, text, ChargeSucceeded/ChargeFailed) is recorded once, by whichever path gets
// there first. A `charging` row is always completed under its key (the PSP may have taken money).
import { isAppError, nok, type Money, type RequestContext } from '@parking/contracts';
import { AGREEMENT_SUBJECTS, type ChargeDecisions } from '@parking/contracts/agreement';
import type { ChargeFailed, ChargeSucceeded } from '@parking/contracts/payment';
import { inTransaction } from '@parking/event-store';
import type pg from 'pg';
import type { Deps } from '../deps.js';
import { chargeKey, uuidFrom } from '../domain/ids.js';
import { formatNok } from '../domain/renewal-schedule.js';
import { enqueueNotifications, sendPendingNotifications } from '../notifications/notifications.js';
import { pspRefOf } from '../projections/payment-methods/payment-methods.js';
import type { ChargeResult } from '../psp/psp.port.js';
import { issueReceipt } from '../receipts/issue-receipt.js';

/** What a first charge needs, kept with its row. */
export interface FirstCharge {
  operatorId: string;
  agreementId: string;
  userId: string;
  productId: string;
  productName: string;
  paymentMethodId: string;
  amount: Money;
  vatRate: number;
  period: { from: string; to: string };
  plates: string[];
  /** The location's time zone (dates on the receipt). */
  timeZone?: string;
  /** When the purchase was recorded (the agreement's 15-minute timeout counts from it). */
  requestedAt?: string;
}

export interface FirstChargeOutcome {
  status: 'succeeded' | 'failed' | 'pending' | 'not_charged';
  chargeId: string;
  amount: Money;
  receiptId?: string;
  reason?: ChargeFailed['reason'] | string;
  at?: string;
}

interface ChargeRow {
  id: string;
  operator_id: string;
  agreement_id: string;
  period_number: number;
  idempotency_key: string;
  amount: number;
  status: string;
  reason: string | null;
  psp_charge_id: string | null;
  receipt_id: string | null;
  settled_at: Date | null;
  details: FirstCharge | null;
}

const PERIOD = 1;
export const firstChargeId = (agreementId: string) => uuidFrom(`charge:${chargeKey(agreementId, PERIOD)}`);

/** The intent, in the caller's transaction (the consumer's) or on its own. Never replaces a row. */
export async function recordFirstChargeIntent(
  db: pg.Pool | pg.PoolClient,
  c: FirstCharge,
  status: 'awaiting_decision' | 'charging',
): Promise<void> {
  await db.query(
    `insert into charges (operator_id, id, agreement_id, period_number, idempotency_key, amount, status, details)
     values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (agreement_id, period_number) do nothing`,
    [
      c.operatorId,
      firstChargeId(c.agreementId),
      c.agreementId,
      PERIOD,
      chargeKey(c.agreementId, PERIOD),
      c.amount.amount,
      status,
      c,
    ],
  );
}

async function load(db: pg.Pool | pg.PoolClient, agreementId: string): Promise<ChargeRow | undefined> {
  return (
    await db.query<ChargeRow>('select * from charges where agreement_id = $1 and period_number = $2', [
      agreementId,
      PERIOD,
    ])
  ).rows[0];
}

/**
 * Runs the process for the first period to its end as far as it can now. `decided`: the agreement
 * itself asks (it just recorded the purchase), so no question is put to it. Safe to call any number of
 * times, from any replica, at once.
 */
export async function settleFirstCharge(
  deps: Deps,
  c: FirstCharge,
  o: { decided: boolean; correlationId?: string; causationId?: string },
): Promise<FirstChargeOutcome> {
  // Waits, through the unique key, for a consumer's transaction that inserts the same row to commit.
  await recordFirstChargeIntent(deps.pool, c, o.decided ? 'charging' : 'awaiting_decision');
  let row = (await load(deps.pool, c.agreementId))!;
  if (row.status === 'awaiting_decision') {
    const charge = o.decided || (await agreementSaysCharge(deps, c, o.correlationId));
    const moved = await deps.pool.query(
      `update charges set status = $2, updated_at = now() where id = $1 and status = 'awaiting_decision'`,
      [row.id, charge ? 'charging' : 'not_charged'],
    );
    if (moved.rowCount) row = { ...row, status: charge ? 'charging' : 'not_charged' };
    else row = (await load(deps.pool, c.agreementId))!;
  }
  if (row.status !== 'charging') return outcomeOf(row);

  const operator = await deps.operators.get(c.operatorId);
  const pspRef = await pspRefOf(deps, c.operatorId, c.paymentMethodId);
  const result: ChargeResult = pspRef
    ? await deps.psp.charge({
        pspRef,
        amount: c.amount,
        idempotencyKey: row.idempotency_key,
        operatorAccount: operator?.psp?.account ?? 'sandbox',
      })
    : { status: 'failed', reason: 'processing_error', pspChargeId: '' };
  const recorded = await inTransaction(deps.pool, (tx) =>
    recordFirstChargeOutcome(deps, tx, row.id, result, o),
  );
  // The receipt text goes now, not at the sender's next tick (the customer waits at the phone).
  if (recorded?.status === 'succeeded')
    void sendPendingNotifications(deps.pool, deps.rpc, deps.logger).catch((err) =>
      deps.logger.warn({ err }, 'the receipt text waits for the sender'),
    );
  return outcomeOf(recorded ?? (await load(deps.pool, c.agreementId))!);
}

/** The agreement's word on period 1 (pending and not timed out); no answer: not decided yet. */
async function agreementSaysCharge(deps: Deps, c: FirstCharge, correlationId?: string): Promise<boolean> {
  const ctx: RequestContext = {
    operatorId: c.operatorId,
    caller: { kind: 'system', service: 'payment-renewal' },
    correlationId: correlationId ?? `first-charge:${c.agreementId}`,
  };
  // The agreement service may be starting (the recovery path runs right after its crash): ask a few
  // times before leaving the intent to the resumer.
  let answer: ChargeDecisions | undefined;
  for (let attempt = 1; !answer; attempt++) {
    try {
      answer = await deps.rpc.request<ChargeDecisions>(
        AGREEMENT_SUBJECTS.chargeDecisions,
        { items: [{ agreementId: c.agreementId, periodNumber: PERIOD }] },
        ctx,
        { timeoutMs: 10_000 },
      );
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((resolve) => setTimeout(resolve, 400 * attempt));
    }
  }
  return answer.items[0]?.charge === true;
}

/**
 * Records the PSP's answer on a `charging` (or, from a webhook, `pending`) first charge, once: the
 * row, the receipt and its text, and the charge's event, in the caller's transaction. Null when the
 * outcome was recorded already.
 */
export async function recordFirstChargeOutcome(
  deps: Deps,
  tx: pg.PoolClient,
  chargeId: string,
  result: ChargeResult,
  o: { correlationId?: string; causationId?: string } = {},
): Promise<ChargeRow | null> {
  const row = (
    await tx.query<ChargeRow>(
      `select * from charges where id = $1 and status in ('charging', 'pending') for update`,
      [chargeId],
    )
  ).rows[0];
  if (!row || (row.status === 'pending' && result.status === 'pending')) return null;
  const c = row.details!;
  const at = deps.clock.now();
  let receiptId: string | null = null;
  if (result.status === 'succeeded') {
    const receipt = await issueReceipt(deps, tx, {
      id: uuidFrom(`receipt:${row.idempotency_key}`),
      kind: 'charge',
      operatorId: c.operatorId,
      agreementId: c.agreementId,
      userId: c.userId,
      issuedAt: at,
      product: { id: c.productId, name: c.productName },
      plates: c.plates,
      period: c.period,
      amount: row.amount,
      vatRate: c.vatRate,
      timeZone: c.timeZone,
    });
    receiptId = receipt.id;
    await enqueueNotifications(tx, [
      {
        key: `receipt:${receipt.id}`,
        operatorId: c.operatorId,
        userId: c.userId,
        template: 'receipt',
        params: { number: receipt.number, product: c.productName, amount: formatNok(row.amount) },
      },
    ]);
  }
  const updated = (
    await tx.query<ChargeRow>(
      `update charges set status = $2, reason = $3, psp_charge_id = $4, receipt_id = $5, settled_at = $6,
         charged_at = $6, updated_at = now()
       where id = $1 returning *`,
      [
        row.id,
        result.status,
        result.status === 'failed' ? (result.reason ?? 'processing_error') : null,
        result.pspChargeId || row.psp_charge_id,
        receiptId,
        at,
      ],
    )
  ).rows[0];
  if (result.status !== 'pending') await appendSettlement(deps, tx, updated, o);
  return updated;
}

async function appendSettlement(
  deps: Deps,
  tx: pg.PoolClient,
  row: ChargeRow,
  o: { correlationId?: string; causationId?: string },
): Promise<void> {
  const c = row.details!;
  const at = (row.settled_at ?? deps.clock.now()).toISOString();
  const common = {
    chargeId: row.id,
    agreementId: c.agreementId,
    periodNumber: PERIOD,
    amount: nok(row.amount),
  };
  const data: ChargeSucceeded | ChargeFailed =
    row.status === 'succeeded'
      ? { ...common, receiptId: row.receipt_id!, chargedAt: at }
      : {
          ...common,
          reason: (row.reason ?? 'processing_error') as ChargeFailed['reason'],
          failedAt: at,
        };
  try {
    await deps.store.append(
      `charge-${c.agreementId}-${PERIOD}`,
      [
        {
          type: row.status === 'succeeded' ? 'ChargeSucceeded' : 'ChargeFailed',
          data,
          eventId: uuidFrom(`event:${row.id}`),
          metadata: {
            operatorId: c.operatorId,
            correlationId: o.correlationId,
            causationId: o.causationId,
            actor: { kind: 'system', id: 'payment-renewal' },
          },
        },
      ],
      { expectedVersion: 'no_stream', streamType: 'charge', client: tx },
    );
  } catch (err) {
    // Recorded already (the stream of a period's charge is created once; an append that finds the
    // stream refuses without failing the transaction).
    if (!(isAppError(err) && err.code === 'CONFLICT')) throw err;
  }
}

function outcomeOf(row: ChargeRow): FirstChargeOutcome {
  const base = { chargeId: row.id, amount: nok(row.amount) };
  switch (row.status) {
    case 'succeeded':
      return {
        ...base,
        status: 'succeeded',
        receiptId: row.receipt_id ?? undefined,
        at: row.settled_at?.toISOString(),
      };
    case 'failed':
      return {
        ...base,
        status: 'failed',
        reason: row.reason ?? 'processing_error',
        at: row.settled_at?.toISOString(),
      };
    case 'not_charged':
      return { ...base, status: 'not_charged' };
    default:
      return { ...base, status: 'pending' };
  }
}

/**
 * Crash recovery: first charges left `awaiting_decision` or `charging` for a while (a process died
 * between the intent and the outcome) are taken up again under their keys.
 */
export async function resumeFirstCharges(deps: Deps, olderThanMs = 10_000, limit = 50): Promise<number> {
  const { rows } = await deps.pool.query<ChargeRow>(
    `select * from charges where status in ('awaiting_decision', 'charging') and period_number = 1
       and details is not null and updated_at < now() - $1 * interval '1 millisecond'
     order by updated_at limit $2`,
    [olderThanMs, limit],
  );
  let resumed = 0;
  for (const row of rows) {
    try {
      await settleFirstCharge(deps, row.details!, { decided: false });
      resumed++;
    } catch (err) {
      deps.logger.warn({ err, agreementId: row.agreement_id }, 'first charge not resumed; tried again later');
    }
  }
  return resumed;
}
