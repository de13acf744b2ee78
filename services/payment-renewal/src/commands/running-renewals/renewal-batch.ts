// One batch of due renewals, and no card charged inside a database transaction. The batch's renewals
// are held by session advisory locks on a connection that is in no transaction (so replicas share the
// work and nothing holds a transaction id open while a PSP answers; a killed process's locks go with
// its connection). Then, for each renewal: the agreement is asked whether its next period may be
// charged now (its own decision, taken from its stream at that moment); the intent is recorded and
// committed (charge row `charging` under the attempt's key); the PSP is called; the outcomes —
// charges, receipts, events, next attempts, texts — are recorded in one short transaction. A crash
// after the intent leaves the renewal due and its charge `charging`: the next run calls the PSP again
// under the same key, which moves no money twice, and records the outcome once.
import { nok, type RequestContext } from '@parking/contracts';
import { AGREEMENT_SUBJECTS, type ChargeDecisions } from '@parking/contracts/agreement';
import type { ChargeFailed, ChargeSucceeded, RenewalRefused } from '@parking/contracts/payment';
import { inTransaction, type NewEvent } from '@parking/event-store';
import type pg from 'pg';
import type { CatalogueLookups } from '../../catalogue/catalogue-lookups.js';
import type { Deps } from '../../deps.js';
import { chargeKey, uuidFrom } from '../../domain/ids.js';
import { localDay } from '../../domain/dates.js';
import { formatNok, nextAttemptAt, renewalAmount } from '../../domain/renewal-schedule.js';
import { enqueueNotifications, type Notification } from '../../notifications/notifications.js';
import type { ChargeResult } from '../../psp/psp.port.js';
import { issueReceipts } from './issue-receipts.js';
import { mapLimit } from './map-limit.js';

export interface DueRenewal {
  operator_id: string;
  agreement_id: string;
  user_id: string;
  product_id: string;
  product_name: string;
  payment_method_id: string;
  employee_number: string | null;
  vat_rate: string;
  plates: string[];
  valid_from: Date;
  valid_to: Date;
  period_number: number;
  period_from: Date;
  period_to: Date;
  amount: number;
  due_at: Date;
  retry_at: Date[];
  time_zone: string | null;
  charge_status: 'succeeded' | 'failed' | 'pending' | 'charging' | null;
  charge_attempt: number | null;
  charge_amount: number | null;
}

export type Outcome =
  | {
      kind: 'charged' | 'failed' | 'pending';
      row: DueRenewal;
      attempt: number;
      amount: number;
      result: ChargeResult;
    }
  | { kind: 'refused'; row: DueRenewal }
  | { kind: 'already_charged'; row: DueRenewal }
  /** The agreement said no (cancelled, ended, withdrawn, terminated…): nothing charged. */
  | { kind: 'not_due'; row: DueRenewal };

export type Attempted = Extract<Outcome, { result: ChargeResult }>;

export interface BatchResult {
  taken: number;
  charged: number;
  failed: number;
  refused: number;
  /** Renewals left due: their step could not finish now (catalogue, agreement or PSP unreachable). */
  deferred: string[];
}

export interface BatchOptions {
  operatorId: string;
  asOf: Date;
  ctx: RequestContext;
  lookups: CatalogueLookups;
  seller: { name: string; organisationNumber: string; address: string };
  /** The operator's own account at its PSP: every charge is made on it. */
  pspAccount: string;
  batchSize: number;
  /** Not taken again in this run. */
  skip: string[];
  /** One agreement only (a retry at once after a card change). */
  agreementId?: string;
  pspConcurrency?: number;
}

/** The advisory-lock namespace of renewals being charged (the second key is the agreement's hash). */
export const RENEWAL_LOCKS = 7342;

const CANDIDATES = `
  select r.agreement_id from renewals r
  where r.operator_id = $1 and r.next_attempt_at <= $2 and r.period_number is not null
    and not (r.agreement_id = any($3::uuid[]))
    and (hashtext(r.agreement_id::text)::bigint & 4294967295) not in (
      select objid::bigint from pg_locks
      where locktype = 'advisory' and classid = ${RENEWAL_LOCKS} and objsubid = 2)
  order by r.next_attempt_at limit $4`;

const TAKE = `
  select r.*, c.status as charge_status, c.attempt as charge_attempt, c.amount as charge_amount
  from renewals r
  left join charges c on c.agreement_id = r.agreement_id and c.period_number = r.period_number
  where r.agreement_id = any($1::uuid[]) and r.operator_id = $2 and r.next_attempt_at <= $3
    and r.period_number is not null`;

/**
 * One batch on `session`, a connection outside any transaction that holds the batch's locks until it
 * ends. Every write is its own short transaction on the pool.
 */
export async function chargeDueBatch(
  deps: Deps,
  session: pg.PoolClient,
  o: BatchOptions,
): Promise<BatchResult> {
  const candidates = o.agreementId
    ? [o.agreementId]
    : (await session.query(CANDIDATES, [o.operatorId, o.asOf, o.skip, o.batchSize])).rows.map(
        (r) => r.agreement_id as string,
      );
  const result: BatchResult = { taken: 0, charged: 0, failed: 0, refused: 0, deferred: [] };
  if (candidates.length === 0) return result;
  const locked = (
    await session.query(
      `select id from unnest($1::uuid[]) as id where pg_try_advisory_lock(${RENEWAL_LOCKS}, hashtext(id::text))`,
      [candidates],
    )
  ).rows.map((r) => r.id as string);
  try {
    // Read again under the locks: another worker may have settled a candidate a moment ago.
    const { rows } = await session.query<DueRenewal>(TAKE, [locked, o.operatorId, o.asOf]);
    result.taken = o.agreementId ? rows.length : candidates.length;
    if (rows.length === 0) return result;

    const methods = await pspRefs(session, o.operatorId, rows);
    const defer = (row: DueRenewal, err: unknown) => {
      deps.logger.warn({ err, agreementId: row.agreement_id }, 'renewal deferred to the next run');
      result.deferred.push(row.agreement_id);
    };
    const planned = (
      await mapLimit(rows, 16, async (row) => {
        try {
          return await plan(o, row);
        } catch (err) {
          defer(row, err);
          return null;
        }
      })
    ).filter((x): x is Planned => x !== null);
    const decided = await askTheAgreements(deps, o, planned, defer);
    await recordIntents(deps.pool, o.operatorId, decided);
    const outcomes = await mapLimit(decided, o.pspConcurrency ?? 16, async (x): Promise<Outcome | null> => {
      if (x.kind !== 'charge') return x;
      try {
        return await charge(deps, o, x, methods.get(x.row.payment_method_id) ?? null);
      } catch (err) {
        defer(x.row, err);
        return null;
      }
    });
    const recorded = outcomes.filter((x): x is Outcome => x !== null);
    await inTransaction(deps.pool, (tx) => record(deps, tx, o, recorded));
    for (const x of recorded) {
      if (x.kind === 'charged') result.charged++;
      else if (x.kind === 'failed') result.failed++;
      else if (x.kind === 'refused') result.refused++;
    }
    return result;
  } finally {
    if (locked.length > 0)
      await session.query(
        `select pg_advisory_unlock(${RENEWAL_LOCKS}, hashtext(id::text)) from unnest($1::uuid[]) as id`,
        [locked],
      );
  }
}

async function pspRefs(db: pg.PoolClient, operatorId: string, rows: DueRenewal[]) {
  const ids = [...new Set(rows.map((r) => r.payment_method_id).filter((id) => /^[0-9a-f-]{36}$/i.test(id)))];
  const { rows: found } = await db.query(
    `select id, psp_ref from payment_methods
     where operator_id = $1 and id = any($2::uuid[]) and deleted_at is null and status = 'active'`,
    [operatorId, ids],
  );
  return new Map<string, string>(found.map((m) => [m.id, m.psp_ref]));
}

type ToCharge = {
  kind: 'charge';
  row: DueRenewal;
  attempt: number;
  amount: number;
  /** Decided before (a charge in flight or pending): called again under the same key, not asked. */
  decided: boolean;
};
type Planned = ToCharge | Extract<Outcome, { kind: 'refused' | 'already_charged' }>;
type Decided = ToCharge | Extract<Outcome, { kind: 'refused' | 'already_charged' | 'not_due' }>;

/** What this renewal needs: nothing (charged), a refusal (staff list), or a charge of some attempt. */
async function plan(o: BatchOptions, row: DueRenewal): Promise<Planned> {
  if (row.charge_status === 'succeeded') return { kind: 'already_charged', row };
  const inFlight = row.charge_status === 'charging' || row.charge_status === 'pending';
  if (
    !inFlight &&
    row.employee_number &&
    !(await o.lookups.stillEmployed(row.product_id, row.employee_number))
  )
    return { kind: 'refused', row };
  // A retry charges what the first attempt asked; a charge in flight is asked about again, same key.
  const attempt = row.charge_status === 'failed' ? row.charge_attempt! + 1 : (row.charge_attempt ?? 1);
  const amount =
    row.charge_amount ??
    renewalAmount(nok(row.amount), await o.lookups.priceInForce(row.product_id), row.valid_from).amount;
  return { kind: 'charge', row, attempt, amount, decided: inFlight };
}

/**
 * The agreement decides, for each new charge, whether its next period is due now. Unanswered: the
 * renewals wait for the next run (never a charge without the agreement's word).
 */
async function askTheAgreements(
  deps: Deps,
  o: BatchOptions,
  planned: Planned[],
  defer: (row: DueRenewal, err: unknown) => void,
): Promise<Decided[]> {
  const ask = planned.filter((x): x is ToCharge => x.kind === 'charge' && !x.decided);
  if (ask.length === 0) return planned;
  let answers: ChargeDecisions;
  try {
    answers = await deps.rpc.request<ChargeDecisions>(
      AGREEMENT_SUBJECTS.chargeDecisions,
      { items: ask.map((x) => ({ agreementId: x.row.agreement_id, periodNumber: x.row.period_number })) },
      o.ctx,
      { timeoutMs: 30_000 },
    );
  } catch (err) {
    for (const x of ask) defer(x.row, err);
    return planned.filter((x) => x.kind !== 'charge' || x.decided);
  }
  const yes = new Set(answers.items.filter((a) => a.charge).map((a) => `${a.agreementId}:${a.periodNumber}`));
  return planned.map((x) =>
    x.kind !== 'charge' || x.decided || yes.has(`${x.row.agreement_id}:${x.row.period_number}`)
      ? x
      : { kind: 'not_due' as const, row: x.row },
  );
}

/** The intent, committed before any PSP call: the charge row `charging` under the attempt's key. */
async function recordIntents(pool: pg.Pool, operatorId: string, decided: Decided[]): Promise<void> {
  const fresh = decided.filter((x): x is ToCharge => x.kind === 'charge' && !x.decided);
  if (fresh.length === 0) return;
  await pool.query(
    `insert into charges (operator_id, id, agreement_id, period_number, idempotency_key, amount, status, attempt)
     select $1, v.id, v.agreement_id, v.period_number, v.idempotency_key, v.amount, 'charging', v.attempt
     from unnest($2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::int[], $7::int[])
       as v(id, agreement_id, period_number, idempotency_key, amount, attempt)
     on conflict (agreement_id, period_number) do update set
       idempotency_key = excluded.idempotency_key, amount = excluded.amount, status = 'charging',
       reason = null, attempt = excluded.attempt
     where charges.status = 'failed'`,
    [
      operatorId,
      fresh.map((x) => uuidFrom(`charge:${chargeKey(x.row.agreement_id, x.row.period_number)}`)),
      fresh.map((x) => x.row.agreement_id),
      fresh.map((x) => x.row.period_number),
      fresh.map((x) => attemptKey(x.row.agreement_id, x.row.period_number, x.attempt)),
      fresh.map((x) => x.amount),
      fresh.map((x) => x.attempt),
    ],
  );
}

/** Charges one renewal through the PSP, on the operator's account; records nothing. */
async function charge(deps: Deps, o: BatchOptions, x: ToCharge, pspRef: string | null): Promise<Outcome> {
  const result: ChargeResult = pspRef
    ? await deps.psp.charge({
        pspRef,
        amount: nok(x.amount),
        idempotencyKey: attemptKey(x.row.agreement_id, x.row.period_number, x.attempt),
        operatorAccount: o.pspAccount,
      })
    : { status: 'failed', reason: 'declined', pspChargeId: '' };
  const kind = result.status === 'succeeded' ? 'charged' : result.status === 'pending' ? 'pending' : 'failed';
  return { kind, row: x.row, attempt: x.attempt, amount: x.amount, result };
}

/** The PSP key of an attempt: the period's key first; a retry of a declined charge needs a new one. */
export function attemptKey(agreementId: string, periodNumber: number, attempt: number): string {
  const key = chargeKey(agreementId, periodNumber);
  return attempt === 1 ? key : `${key}:retry-${attempt - 1}`;
}

/** Records the outcomes of a batch (or of a webhook's settlement) in the caller's transaction. */
export async function record(
  deps: Deps,
  tx: pg.PoolClient,
  o: Pick<BatchOptions, 'operatorId' | 'asOf' | 'ctx' | 'seller'>,
  outcomes: Outcome[],
): Promise<void> {
  const at = o.asOf.toISOString();
  const notifications: Notification[] = [];
  const events: NewEvent[] = [];
  const event = (type: string, data: unknown, name: string): NewEvent => ({
    type,
    data,
    eventId: uuidFrom(name),
    metadata: {
      operatorId: o.operatorId,
      correlationId: o.ctx.correlationId,
      actor: { kind: 'system', id: 'payment-renewal' },
    },
  });
  const next: { id: string; at: Date | null; refused: string | null }[] = [];
  const settled = outcomes.filter((x): x is Attempted => 'result' in x);

  for (const x of outcomes) {
    const r = x.row;
    if (x.kind === 'already_charged' || x.kind === 'pending' || x.kind === 'not_due')
      next.push({ id: r.agreement_id, at: null, refused: null });
    if (x.kind === 'refused') {
      next.push({ id: r.agreement_id, at: null, refused: 'not_on_staff_list' });
      const data: RenewalRefused = {
        agreementId: r.agreement_id,
        periodNumber: r.period_number,
        reason: 'not_on_staff_list',
        refusedAt: at,
      };
      events.push(event('RenewalRefused', data, `refused:${r.agreement_id}:${r.period_number}`));
      notifications.push({
        key: `refused:${r.agreement_id}:${r.period_number}`,
        operatorId: o.operatorId,
        userId: r.user_id,
        template: 'renewal_refused',
        params: { product: r.product_name, until: dayOf(r, r.valid_to) },
      });
    }
    if (x.kind !== 'charged' && x.kind !== 'failed') continue;
    const chargeId = uuidFrom(`charge:${chargeKey(r.agreement_id, r.period_number)}`);
    const common = {
      chargeId,
      agreementId: r.agreement_id,
      periodNumber: r.period_number,
      amount: nok(x.amount),
    };
    if (x.kind === 'charged') {
      next.push({ id: r.agreement_id, at: null, refused: null });
      const data: ChargeSucceeded = { ...common, receiptId: receiptIdOf(r), chargedAt: at };
      events.push(event('ChargeSucceeded', data, eventName(chargeId, x.attempt)));
    } else {
      const retry = r.due_at ? nextAttemptAt({ dueAt: r.due_at, retryAt: r.retry_at }, o.asOf) : null;
      next.push({ id: r.agreement_id, at: retry, refused: null });
      const reason = x.result.reason ?? 'processing_error';
      const data: ChargeFailed = { ...common, reason, failedAt: at };
      events.push(event('ChargeFailed', data, eventName(chargeId, x.attempt)));
      notifications.push({
        key: `renewal-failed:${attemptKey(r.agreement_id, r.period_number, x.attempt)}`,
        operatorId: o.operatorId,
        userId: r.user_id,
        template: 'renewal_failed',
        params: {
          amount: formatNok(x.amount),
          product: r.product_name,
          until: dayOf(r, r.valid_to),
          // The text links to «Bytt kort» for this agreement.
          agreementId: r.agreement_id,
        },
      });
    }
  }

  if (settled.length > 0) {
    await tx.query(
      `insert into charges (operator_id, id, agreement_id, period_number, idempotency_key, amount, status,
         reason, psp_charge_id, receipt_id, attempt, charged_at, settled_at)
       select $1, v.* , now() from unnest($2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::int[], $7::text[],
         $8::text[], $9::text[], $10::uuid[], $11::int[], $12::timestamptz[])
         as v(id, agreement_id, period_number, idempotency_key, amount, status, reason, psp_charge_id,
              receipt_id, attempt, charged_at)
       on conflict (agreement_id, period_number) do update set
         idempotency_key = excluded.idempotency_key, amount = excluded.amount, status = excluded.status,
         reason = excluded.reason, psp_charge_id = excluded.psp_charge_id, receipt_id = excluded.receipt_id,
         attempt = excluded.attempt, charged_at = excluded.charged_at, settled_at = now()
       where charges.status <> 'succeeded'`,
      [
        o.operatorId,
        settled.map((x) => uuidFrom(`charge:${chargeKey(x.row.agreement_id, x.row.period_number)}`)),
        settled.map((x) => x.row.agreement_id),
        settled.map((x) => x.row.period_number),
        settled.map((x) => attemptKey(x.row.agreement_id, x.row.period_number, x.attempt)),
        settled.map((x) => x.amount),
        settled.map((x) => (x.kind === 'charged' ? 'succeeded' : x.kind)),
        settled.map((x) => (x.kind === 'failed' ? (x.result.reason ?? 'processing_error') : null)),
        settled.map((x) => x.result.pspChargeId),
        settled.map((x) => (x.kind === 'charged' ? receiptIdOf(x.row) : null)),
        settled.map((x) => x.attempt),
        settled.map(() => o.asOf),
      ],
    );
  }
  if (next.length > 0) {
    await tx.query(
      `update renewals r set next_attempt_at = v.at, refused_reason = coalesce(v.refused, r.refused_reason)
       from unnest($1::uuid[], $2::timestamptz[], $3::text[]) as v(id, at, refused) where r.agreement_id = v.id`,
      [next.map((n) => n.id), next.map((n) => n.at), next.map((n) => n.refused)],
    );
  }
  // One append for the batch: the charge rows, not the stream, keep a period from being charged twice.
  if (events.length > 0)
    await deps.store.append(`renewals-${uuidFrom(events.map((e) => e.eventId).join())}`, events, {
      expectedVersion: 'no_stream',
      streamType: 'renewals',
      client: tx,
    });
  // Last, so the operator's receipt sequence stays locked only until the commit that follows.
  const charged = outcomes.filter((x): x is Attempted => x.kind === 'charged');
  if (charged.length > 0) notifications.push(...(await issueReceipts(tx, o, charged)));
  await enqueueNotifications(tx, notifications);
}

/** The first attempt's event id is the one the purchase's reaction gives period 1. */
const eventName = (chargeId: string, attempt: number) =>
  attempt === 1 ? `event:${chargeId}` : `event:${chargeId}:${attempt}`;
export const receiptIdOf = (r: DueRenewal) =>
  uuidFrom(`receipt:${chargeKey(r.agreement_id, r.period_number)}`);

/** A date in a text: the calendar day in the agreement's location, d.m.yyyy. */
const dayOf = (r: DueRenewal, d: Date) => localDay(d, r.time_zone ?? 'Europe/Oslo');
