// Payment asks before it charges: may period n of these agreements be charged now? Each answer is the
// agreement's own decision, folded from its stream at the moment of asking (never a copy kept
// elsewhere), so a cancel, withdrawal, termination or failure recorded before the question means no
// charge. One accepted after the answer is caught when the charge's success comes back: the agreement
// refuses it and payment refunds it in full (`ChargeRejected`).
import { AppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import { chargeDecisionsSchema, type ChargeDecisions } from '@parking/contracts/agreement';
import { evolve, initialState, type AgreementEvent, type AgreementState } from '../../domain/agreement.js';
import { chargeDecision } from '../../domain/decide.js';
import type { Deps } from '../../deps.js';
import { STREAM_PREFIX } from '../../projections/agreements/agreements.projection.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CONCURRENCY = 16;

export async function chargeDecisions(
  deps: Pick<Deps, 'store' | 'clock'>,
  input: unknown,
  ctx: RequestContext,
): Promise<ChargeDecisions> {
  if (ctx.caller.kind !== 'system') throw new AppError('FORBIDDEN', 'Only payment asks to charge');
  const { items } = parseOrThrow(chargeDecisionsSchema, input);
  const now = deps.clock.now();
  const answers: ChargeDecisions['items'] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      const { agreementId, periodNumber } = items[i];
      const state = UUID.test(agreementId)
        ? await currentState(deps, ctx.operatorId, agreementId)
        : initialState();
      answers[i] = { agreementId, periodNumber, ...chargeDecision(state, periodNumber, now) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return { items: answers };
}

/** The agreement as its stream says now; another operator's agreement is none of the caller's. */
async function currentState(
  deps: Pick<Deps, 'store'>,
  operatorId: string,
  agreementId: string,
): Promise<AgreementState> {
  const events = await deps.store.readStream(`${STREAM_PREFIX}${agreementId}`);
  if (events.length === 0 || events[0].metadata.operatorId !== operatorId) return initialState();
  return events.reduce<AgreementState>(
    (s, e) => evolve(s, { type: e.type, data: e.data } as AgreementEvent),
    initialState(),
  );
}
