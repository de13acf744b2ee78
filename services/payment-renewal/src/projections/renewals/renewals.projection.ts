// The renewal read model: one row per agreement with what the run needs (status, the next period to
// charge and when, card, amount, customer, product, employee number, plates), kept from the
// agreement's integration events. Each event carries the agreement's state, so the row is rebuilt
// from the newest event; an older one arriving late is ignored.
import type { AgreementChanged, AgreementRequested } from '@parking/contracts/agreement';
import type { ConsumedEvent } from '@parking/messaging';
import type pg from 'pg';
import { nextAttemptAt } from '../../domain/renewal-schedule.js';

/** After these, nothing more is renewed. */
const FINAL = new Set([
  'AgreementPurchaseFailed',
  'AgreementCancelled',
  'AgreementEnded',
  'AgreementWithdrawn',
  'AgreementTerminated',
]);

/** Before any run's asOf: taken by the next run, whatever instant it runs as of. */
const AT_ONCE = new Date(0);

export interface Applied {
  /** The card changed while the renewal was past due: charge it again at once. */
  retryNow: boolean;
}

export async function applyAgreementEvent(event: ConsumedEvent, tx: pg.PoolClient): Promise<Applied> {
  const d = event.data as AgreementChanged & Partial<AgreementRequested>;
  const { rows } = await tx.query('select * from renewals where agreement_id = $1 for update', [
    d.agreementId,
  ]);
  const row = rows[0];
  if (row && event.streamVersion > 0 && row.version >= event.streamVersion) return { retryNow: false };

  const over =
    FINAL.has(event.type) || ['ended', 'failed', 'cancelled_at_period_end'].includes(d.snapshot.status);
  // The purchase's own period is charged by its reaction, never by a run: kept for a late settlement.
  const renewal =
    event.type === 'AgreementRequested'
      ? { periodNumber: 1, period: d.period!, dueAt: null, retryAt: [], amount: d.amount! }
      : over
        ? null
        : d.renewal;
  let next: Date | null = null;
  let retryNow = false;
  if (renewal && renewal.dueAt) {
    const charge = (
      await tx.query(
        'select status, charged_at from charges where agreement_id = $1 and period_number = $2',
        [d.agreementId, renewal.periodNumber],
      )
    ).rows[0];
    const refused = row?.refused_reason && row.period_number === renewal.periodNumber;
    const times = { dueAt: new Date(renewal.dueAt), retryAt: renewal.retryAt.map((t) => new Date(t)) };
    if (refused || charge?.status === 'succeeded' || charge?.status === 'pending') next = null;
    else if (charge?.status === 'failed') {
      retryNow = event.type === 'PaymentMethodChanged' && d.snapshot.status === 'past_due';
      next = retryNow ? AT_ONCE : nextAttemptAt(times, charge.charged_at);
    } else next = times.dueAt;
  }

  const keep = <T>(value: T | undefined, column: string): T | null =>
    value === undefined ? (row?.[column] ?? null) : value;
  const values = [
    d.agreementId,
    event.operatorId,
    event.streamVersion,
    d.userId,
    keep(d.productId, 'product_id'),
    keep(d.productName, 'product_name'),
    keep(d.paymentMethodId, 'payment_method_id'),
    keep(d.employeeNumber, 'employee_number'),
    keep(d.vatRate, 'vat_rate') ?? 25,
    d.snapshot.vehicles.map((v) => v.plate),
    d.snapshot.status,
    d.snapshot.validFrom,
    d.snapshot.validTo,
    keep(d.autoRenew, 'auto_renew') ?? false,
  ];
  // `renewal` undefined: the event says nothing of it — keep what the row has.
  const renewalColumns =
    renewal === undefined
      ? []
      : [
          renewal?.periodNumber ?? null,
          renewal?.period.from ?? null,
          renewal?.period.to ?? null,
          renewal?.amount.amount ?? null,
          renewal?.dueAt ?? null,
          renewal?.retryAt ?? [],
          next,
        ];
  const setRenewal =
    renewal === undefined
      ? ''
      : `, period_number = $15, period_from = $16, period_to = $17, amount = $18, due_at = $19,
         retry_at = $20, next_attempt_at = $21,
         refused_reason = case when renewals.period_number = $15 then renewals.refused_reason end`;
  await tx.query(
    `insert into renewals (agreement_id, operator_id, version, user_id, product_id, product_name,
       payment_method_id, employee_number, vat_rate, plates, status, valid_from, valid_to, auto_renew
       ${renewal === undefined ? '' : ', period_number, period_from, period_to, amount, due_at, retry_at, next_attempt_at'})
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14
       ${renewal === undefined ? '' : ', $15, $16, $17, $18, $19, $20, $21'})
     on conflict (agreement_id) do update set version = $3, product_id = $5, product_name = $6,
       payment_method_id = $7, employee_number = $8, vat_rate = $9, plates = $10, status = $11,
       valid_from = $12, valid_to = $13, auto_renew = $14 ${setRenewal}`,
    [...values, ...renewalColumns],
  );
  return { retryNow };
}
