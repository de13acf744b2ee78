// Purchasing («Kjøp»): gather the facts the decider needs (product, card, staff list), honour the
// Idempotency-Key, append AgreementRequested, then wait briefly for the first charge to settle.
import { createHash, randomUUID } from 'node:crypto';
import { AppError, isAppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import { purchaseRequestSchema, type Agreement, type PurchaseRequest } from '@parking/contracts/agreement';
import { CATALOGUE_SUBJECTS, type Product } from '@parking/contracts/catalogue';
import { PAYMENT_SUBJECTS, type PaymentMethod } from '@parking/contracts/payment';
import { evolve, initialState, type AgreementEvent, type AgreementState } from '../../domain/agreement.js';
import { decide, type RequestPurchase } from '../../domain/decide.js';
import { toView } from '../../domain/view.js';
import type { Deps } from '../../deps.js';
import { STREAM_PREFIX } from '../../projections/agreements/agreements.projection.js';
import { findAgreement } from '../../projections/agreements/agreements.queries.js';
import { maybeCrashAfterPurchase } from '../../faults.js';
import { eventMetadata, userOf } from '../metadata.js';

const LIVE_STATUSES = ['pending_payment', 'active', 'past_due', 'cancelled_at_period_end'];

export async function purchase(deps: Deps, input: unknown, ctx: RequestContext): Promise<Agreement> {
  const userId = userOf(ctx);
  const request = parseOrThrow(purchaseRequestSchema, input);
  const agreementId = await claimIdempotencyKey(deps, ctx, userId, request);
  if (agreementId.existing) return replay(deps, ctx, agreementId.id, request.waitMs);

  try {
    const { command, capacity } = await gatherFacts(deps, ctx, userId, agreementId.id, request);
    const result = await recordPurchase(deps, ctx, command, capacity);
    if (result.state.status === 'none') throw new AppError('INTERNAL', 'the purchase was not recorded');
    maybeCrashAfterPurchase();
    const settled = await deps.waiters.waitForSettled(agreementId.id, request.waitMs);
    return answer(settled ?? toView(result.state));
  } catch (err) {
    // A refused purchase leaves no trace: the key may be used again for a corrected request.
    await releaseIdempotencyKey(deps, ctx, userId, request);
    throw err;
  }
}

/**
 * Appends the purchase; for a product with a capacity, first takes one of its places, counted and taken
 * under a lock per product in the same transaction, so two customers racing for the last place get one
 * agreement and one 409. An employee number is claimed for the product the same way (the read model's
 * answer in the decider is only the early refusal): two purchases with one number at once get one
 * agreement and one 422.
 */
async function recordPurchase(
  deps: Deps,
  ctx: RequestContext,
  command: RequestPurchase,
  capacity: number | null,
): Promise<{ state: AgreementState }> {
  const events = decide(command, initialState()).map((e) => ({
    type: e.type,
    data: e.data,
    metadata: eventMetadata(ctx),
  }));
  const client = await deps.pool.connect();
  try {
    await client.query('begin');
    if (capacity !== null) {
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [`places:${command.product.id}`]);
      const { rows } = await client.query(
        'select count(*)::int as taken from product_places where operator_id = $1 and product_id = $2',
        [ctx.operatorId, command.product.id],
      );
      if (rows[0].taken >= capacity) {
        throw new AppError('CONFLICT', 'The product is sold out', {
          type: 'sold-out',
          fields: [{ path: 'productId', message: 'sold out' }],
        });
      }
      await client.query(
        'insert into product_places (operator_id, product_id, agreement_id) values ($1, $2, $3)',
        [ctx.operatorId, command.product.id, command.agreementId],
      );
    }
    if (command.product.requiresEmployeeNumber && command.employeeNumber) {
      const claimed = await client.query(
        `insert into employee_claims (operator_id, product_id, employee_number, agreement_id)
         values ($1, $2, $3, $4) on conflict do nothing`,
        [ctx.operatorId, command.product.id, command.employeeNumber, command.agreementId],
      );
      if (!claimed.rowCount) {
        throw new AppError('RULE_VIOLATED', 'The purchase breaks a rule of the product', {
          fields: [
            {
              path: 'employeeNumber',
              message: 'the employee number already holds an agreement of this product',
            },
          ],
        });
      }
    }
    await deps.store.append(`${STREAM_PREFIX}${command.agreementId}`, events, {
      expectedVersion: 'no_stream',
      streamType: 'agreement',
      client,
    });
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  return { state: events.reduce((s, e) => evolve(s, e as unknown as AgreementEvent), initialState()) };
}

function answer(view: Agreement): Agreement {
  if (view.status === 'failed') {
    throw new AppError('PAYMENT_DECLINED', 'The card was declined; no money was taken', {
      data: { agreement: view },
    });
  }
  return view;
}

async function replay(
  deps: Deps,
  ctx: RequestContext,
  agreementId: string,
  waitMs: number,
): Promise<Agreement> {
  const current = await findAgreement(deps.pool, ctx, agreementId);
  if (!current) throw new AppError('CONFLICT', 'A request with this Idempotency-Key is still in progress');
  if (current.status !== 'pending_payment') return answer(current);
  return answer((await deps.waiters.waitForSettled(agreementId, waitMs)) ?? current);
}

function requestHash(request: PurchaseRequest): string {
  const { waitMs: _waitMs, idempotencyKey: _key, ...body } = request;
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

async function claimIdempotencyKey(
  deps: Deps,
  ctx: RequestContext,
  userId: string,
  request: PurchaseRequest,
): Promise<{ id: string; existing: boolean }> {
  const id = randomUUID();
  if (!request.idempotencyKey) return { id, existing: false };
  const hash = requestHash(request);
  const inserted = await deps.pool.query(
    `insert into idempotency_keys (operator_id, user_id, key, request_hash, agreement_id) values ($1, $2, $3, $4, $5)
     on conflict do nothing returning agreement_id`,
    [ctx.operatorId, userId, request.idempotencyKey, hash, id],
  );
  if (inserted.rowCount) return { id, existing: false };
  const { rows } = await deps.pool.query(
    `select request_hash, agreement_id from idempotency_keys
     where operator_id = $1 and user_id = $2 and key = $3 and created_at > now() - interval '24 hours'`,
    [ctx.operatorId, userId, request.idempotencyKey],
  );
  if (!rows[0]) {
    // An expired key: take it over for this request.
    await deps.pool.query(
      `update idempotency_keys set request_hash = $4, agreement_id = $5, created_at = now()
       where operator_id = $1 and user_id = $2 and key = $3`,
      [ctx.operatorId, userId, request.idempotencyKey, hash, id],
    );
    return { id, existing: false };
  }
  if (rows[0].request_hash !== hash) {
    throw new AppError('RULE_VIOLATED', 'This Idempotency-Key was used with another request body', {
      type: 'idempotency-key-reused',
      fields: [{ path: 'Idempotency-Key', message: 'already used with another body' }],
    });
  }
  return { id: rows[0].agreement_id, existing: true };
}

async function releaseIdempotencyKey(
  deps: Deps,
  ctx: RequestContext,
  userId: string,
  request: PurchaseRequest,
) {
  if (!request.idempotencyKey) return;
  await deps.pool.query('delete from idempotency_keys where operator_id = $1 and user_id = $2 and key = $3', [
    ctx.operatorId,
    userId,
    request.idempotencyKey,
  ]);
}

async function gatherFacts(
  deps: Deps,
  ctx: RequestContext,
  userId: string,
  agreementId: string,
  request: PurchaseRequest,
): Promise<{ command: RequestPurchase; capacity: number | null }> {
  const product = await deps.rpc
    .request<Product>(CATALOGUE_SUBJECTS.getProduct, { productId: request.productId }, ctx)
    .catch((err) => {
      if (isAppError(err) && err.code === 'NOT_FOUND') {
        throw new AppError('RULE_VIOLATED', 'No such product', {
          fields: [{ path: 'productId', message: 'no such product at this operator' }],
        });
      }
      throw err;
    });
  const paymentMethod = await deps.rpc
    .request<PaymentMethod>(PAYMENT_SUBJECTS.getMethod, { paymentMethodId: request.paymentMethodId }, ctx)
    .catch((err) => {
      if (isAppError(err) && err.code === 'NOT_FOUND') return null;
      throw err;
    });
  let employeeOnStaffList: boolean | null = null;
  let employeeHoldsAgreement = false;
  if (product.requiresEmployeeNumber && request.employeeNumber) {
    const staff = await deps.rpc.request<{ contained: boolean }>(
      CATALOGUE_SUBJECTS.staffContains,
      { productId: product.id, employeeNumber: request.employeeNumber },
      ctx,
    );
    employeeOnStaffList = staff.contained;
    const held = await deps.pool.query(
      `select 1 from agreements where operator_id = $1 and product_id = $2 and employee_number = $3
       and status = any($4) limit 1`,
      [ctx.operatorId, product.id, request.employeeNumber, LIVE_STATUSES],
    );
    employeeHoldsAgreement = (held.rowCount ?? 0) > 0;
  }
  const command: RequestPurchase = {
    type: 'RequestPurchase',
    agreementId,
    userId,
    product: {
      id: product.id,
      name: product.name,
      locationId: product.locationId,
      timeZone: product.timeZone,
      zones: product.zones,
      price: product.price,
      vatRate: product.vatRate,
      period: product.period,
      autoRenew: product.autoRenew,
      maxVehicles: product.maxVehicles,
      startPolicy: product.startPolicy,
      requiresEmployeeNumber: product.requiresEmployeeNumber,
      termsId: product.termsId,
      onSale: product.onSale,
    },
    vehicles: request.vehicles,
    startDate: request.startDate,
    employeeNumber: request.employeeNumber,
    acceptedTermsId: request.acceptedTermsId,
    paymentMethod: { id: request.paymentMethodId, usable: paymentMethod?.status === 'active' },
    employeeOnStaffList,
    employeeHoldsAgreement,
    now: deps.clock.now(),
  };
  return { command, capacity: product.capacity ?? null };
}
