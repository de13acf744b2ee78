// The renewal run (`POST /v1/admin/renewals/run`, and the scheduler every minute): for one operator,
// everything due at `asOf` — renewal charges and retries, in batches that several workers and replicas
// share — then the agreement service ends the agreements whose paid period is over.
import { AppError, hasRole, isAppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import { AGREEMENT_SUBJECTS } from '@parking/contracts/agreement';
import { runRenewalsSchema, type RenewalRun } from '@parking/contracts/payment';
import { inTransaction } from '@parking/event-store';
import { CatalogueLookups } from '../../catalogue/catalogue-lookups.js';
import type { Deps } from '../../deps.js';
import { chargeDueBatch, type BatchResult } from './renewal-batch.js';
import { warnExpiringCards } from './expiring-cards.js';

export interface RunOptions {
  operatorId: string;
  asOf: Date;
  /** Only this agreement (a retry at once after a card change); no ending, no card warnings. */
  agreementId?: string;
  workers?: number;
  batchSize?: number;
}

/** The operator's request: `asOf` defaults to now, and in production may not be in the future. */
export async function runRenewalsRequest(
  deps: Deps,
  input: unknown,
  ctx: RequestContext,
): Promise<RenewalRun> {
  if (!(hasRole(ctx.caller, 'operator') || ctx.caller.kind === 'system'))
    throw new AppError('FORBIDDEN', 'Only an operator runs renewals');
  const { asOf } = parseOrThrow(runRenewalsSchema, input);
  const now = deps.clock.now();
  const at = asOf ? new Date(asOf) : now;
  if (deps.config.NODE_ENV === 'production' && at.getTime() > now.getTime())
    throw new AppError('RULE_VIOLATED', 'asOf may not be in the future', {
      fields: [{ path: 'asOf', message: 'may not be in the future' }],
    });
  return runRenewals(deps, { operatorId: ctx.operatorId, asOf: at });
}

export async function runRenewals(deps: Deps, options: RunOptions): Promise<RenewalRun> {
  const { operatorId, asOf } = options;
  const ctx: RequestContext = {
    operatorId,
    caller: { kind: 'system', service: 'payment-renewal' },
    correlationId: `renewals:${operatorId}:${asOf.toISOString()}`,
  };
  const operator = await deps.operators.get(operatorId);
  const seller = {
    name: operator?.name ?? 'unknown',
    organisationNumber: operator?.organisationNumber ?? '',
    address: operator?.address ?? '',
  };
  const lookups = new CatalogueLookups(deps.rpc, ctx, asOf, deps.logger);
  const totals = { due: 0, charged: 0, failed: 0 };
  const skip: string[] = [];
  const add = (b: BatchResult) => {
    totals.due += b.charged + b.failed + b.refused;
    totals.charged += b.charged;
    totals.failed += b.failed + b.refused;
    skip.push(...b.deferred);
  };
  const batch = { operatorId, asOf, ctx, lookups, seller, skip, batchSize: options.batchSize ?? 200 };

  if (options.agreementId) {
    add(
      await inTransaction(deps.pool, (tx) =>
        chargeDueBatch(deps, tx, { ...batch, agreementId: options.agreementId }),
      ),
    );
    return { ...totals, ended: 0 };
  }
  const worker = async () => {
    for (;;) {
      const b = await inTransaction(deps.pool, (tx) => chargeDueBatch(deps, tx, batch));
      add(b);
      if (b.taken === 0) return;
    }
  };
  await Promise.all(Array.from({ length: options.workers ?? 4 }, worker));
  const ended = await endDueAgreements(deps, ctx, asOf);
  await warnExpiringCards(deps, operatorId, asOf);
  return { ...totals, ended };
}

/** The agreement service ends what is over (its handler; before it exists, nothing ends). */
async function endDueAgreements(deps: Deps, ctx: RequestContext, asOf: Date): Promise<number> {
  try {
    const { ended } = await deps.rpc.request<{ ended: number }>(
      AGREEMENT_SUBJECTS.endDue,
      { asOf: asOf.toISOString() },
      ctx,
      { timeoutMs: 60_000 },
    );
    return ended;
  } catch (err) {
    if (isAppError(err) && err.code === 'UNAVAILABLE' && /no service answers/.test(err.message)) return 0;
    throw err;
  }
}
