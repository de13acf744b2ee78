// `payment.charges.first-period`: the agreement service, having just recorded a purchase (its decision
// that period 1 is due), asks for the first charge and waits for the outcome — the purchase answered in
// one round trip. The AgreementRequested event remains the recovery path; both share the period's key.
import { AppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import { chargeFirstPeriodSchema, type FirstPeriodCharge } from '@parking/contracts/payment';
import type { Deps } from '../deps.js';
import { settleFirstCharge } from './first-charge.js';

export async function chargeFirstPeriodRequest(
  deps: Deps,
  input: unknown,
  ctx: RequestContext,
): Promise<FirstPeriodCharge> {
  if (ctx.caller.kind !== 'system') throw new AppError('FORBIDDEN', 'Only the agreement service asks this');
  const r = parseOrThrow(chargeFirstPeriodSchema, input);
  return settleFirstCharge(
    deps,
    { ...r, operatorId: ctx.operatorId },
    { decided: true, correlationId: ctx.correlationId },
  );
}
