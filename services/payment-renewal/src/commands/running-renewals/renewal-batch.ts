// One batch of due renewals, in one transaction: take the rows (skip locked, so replicas share the
// work), charge each through the PSP under its attempt's idempotency key, then record charges,
// receipts, events, the next attempt and notifications together. A crash before the commit leaves the
// rows due: the next run charges the same keys, the PSP answers with the first result and moves no
// money again, and only then is anything recorded — once.
import { nok, type RequestContext } from '@parking/contracts';
import type { ChargeFailed, ChargeSucceeded, RenewalRefused } from '@parking/contracts/payment';
import type { NewEvent } from '@parking/event-store';
import type pg from 'pg';
import type { CatalogueLookups } from '../../catalogue/catalogue-lookups.js';
import type { Deps } from '../../deps.js';
import { chargeKey, uuidFrom } from '../../domain/ids.js';
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
  charge_status: 'succeeded' | 'failed' | 'pending' | null;
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
  | { kind: 'already_charged'; row: DueRenewal };

export type Attempted = Extract<Outcome, { result: ChargeResult }>;

export interface BatchResult {
  taken: number;
  charged: number;
  failed: number;
  refused: number;
  /** Renewals left due: their step could not finish now (catalogue or PSP unreachable). */
  deferred: string[];
}

export interface BatchOptions {
  operatorId: string;
  asOf: Date;
  ctx: RequestContext;
  lookups: CatalogueLookups;
  seller: { name: string; organisationNumber: string; address: string };
  batchSize: number;
  /** Not taken again in this run. */
  skip: string[];
  /** One agreement only, waiting for its row (a retry at once after a card change). */
  agreementId?: string;
  pspConcurrency?: number;
}

const TAKE = `
  select r.*, c.status as charge_status, c.attempt as charge_attempt, c.amount as charge_amount
  from renewals r
  left join charges c on c.agreement_id = r.agreement_id and c.period_number = r.period_number
  where r.operator_id = $1 and r.next_attempt_at <= $2 and r.period_number is not null`;

export async function chargeDueBatch(deps: Deps, tx: pg.PoolClient, o: BatchOptions): Promise<BatchResult> {
  const { rows } = o.agreementId
    ? await tx.query<DueRenewal>(`${TAKE} and r.agreement_id = $3 for update of r`, [
        o.operatorId,
        o.asOf,
        o.agreementId,
      ])
    : await tx.query<DueRenewal>(
        `${TAKE} and not (r.agreement_id = any($3::uuid[]))
         order by r.next_attempt_at limit $4 for update of r skip locked`,
        [o.operatorId, o.asOf, o.skip, o.batchSize],
      );
  const result: BatchResult = { taken: rows.length, charged: 0, failed: 0, refused: 0, deferred: [] };
  if (rows.length === 0) return result;

  const methods = await pspRefs(tx, o.operatorId, rows);
  const outcomes = (
    await mapLimit(rows, o.pspConcurrency ?? 16, async (row): Promise<Outcome | null> => {
      try {
        return await renew(deps, o, row, methods.get(row.payment_method_id) ?? null);
      } catch (err) {
        deps.logger.warn({ err, agreementId: row.agreement_id }, 'renewal deferred to the next run');
        result.deferred.push(row.agreement_id);
        return null;
      }
    })
  ).filter((x): x is Outcome => x !== null);

  await record(deps, tx, o, outcomes);
  for (const x of outcomes) {
    if (x.kind === 'charged') result.charged++;
    else if (x.kind === 'failed') result.failed++;
    else if (x.kind === 'refused') result.refused++;
  }
  return result;
}

async function pspRefs(tx: pg.PoolClient, operatorId: string, rows: DueRenewal[]) {
  const ids = [...new Set(rows.map((r) => r.payment_method_id).filter((id) => /^[0-9a-f-]{36}$/i.test(id)))];
  const { rows: found } = await tx.query(
    `select id, psp_ref from payment_methods
     where operator_id = $1 and id = any($2::uuid[]) and deleted_at is null and status = 'active'`,
    [operatorId, ids],
  );
  return new Map<string, string>(found.map((m) => [m.id, m.psp_ref]));
}

/** Decides and charges one renewal; records nothing (record() does, for the whole batch). */
async function renew(deps: Deps, o: BatchOptions, row: DueRenewal, pspRef: string | null): Promise<Outcome> {
  if (row.charge_status === 'succeeded') return { kind: 'already_charged', row };
  if (row.employee_number && !(await o.lookups.stillEmployed(row.product_id, row.employee_number)))
    return { kind: 'refused', row };
  // A retry charges what the first attempt asked; a pending charge is asked about again, same key.
  const attempt = row.charge_status === 'failed' ? row.charge_attempt! + 1 : (row.charge_attempt ?? 1);
  const amount =
    row.charge_amount ??
    renewalAmount(nok(row.amount), await o.lookups.priceInForce(row.product_id), row.valid_from).amount;
  const result: ChargeResult = pspRef
    ? await deps.psp.charge({
        pspRef,
        amount: nok(amount),
        idempotencyKey: attemptKey(row.agreement_id, row.period_number, attempt),
        operatorAccount: 'sandbox',
      })
    : { status: 'failed', reason: 'declined', pspChargeId: '' };
  const kind = result.status === 'succeeded' ? 'charged' : result.status === 'pending' ? 'pending' : 'failed';
  return { kind, row, attempt, amount, result };
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
    if (x.kind === 'already_charged' || x.kind === 'pending')
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
        params: { product: r.product_name, until: osloDate(r.valid_to) },
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
          until: osloDate(r.valid_to),
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

const osloDay = new Intl.DateTimeFormat('nb-NO', {
  timeZone: 'Europe/Oslo',
  day: 'numeric',
  month: 'numeric',
  year: 'numeric',
});
const osloDate = (d: Date) => osloDay.format(d);
