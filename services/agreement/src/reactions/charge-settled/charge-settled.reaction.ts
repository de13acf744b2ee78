// Turns payment-renewal's ChargeSucceeded / ChargeFailed into the agreement's activation or failed
// purchase (period 1), or its renewal or failed renewal (later periods, at the charge's own time — a
// renewal run's `asOf`). A redelivery changes nothing (the inbox, and the decider ignores a period that
// is not the next one).
import { PAYMENT_EVENTS, type ChargeFailed, type ChargeSucceeded } from '@parking/contracts/payment';
import { handleCommand } from '@parking/event-store';
import type { ConsumedEvent } from '@parking/messaging';
import { evolve, initialState, type AgreementEvent } from '../../domain/agreement.js';
import { decide, type AgreementCommand } from '../../domain/decide.js';
import type { Deps } from '../../deps.js';
import { STREAM_PREFIX } from '../../projections/agreements/agreements.projection.js';

export function chargeSettledReaction(deps: Deps) {
  return async (event: ConsumedEvent): Promise<void> => {
    let command: AgreementCommand;
    let agreementId: string;
    if (event.subject === PAYMENT_EVENTS.chargeSucceeded) {
      const data = event.data as ChargeSucceeded;
      agreementId = data.agreementId;
      command =
        data.periodNumber === 1
          ? { type: 'ActivateAgreement', chargeId: data.chargeId, now: deps.clock.now() }
          : {
              type: 'RenewAgreement',
              periodNumber: data.periodNumber,
              chargeId: data.chargeId,
              amount: data.amount,
              now: new Date(data.chargedAt),
            };
    } else if (event.subject === PAYMENT_EVENTS.chargeFailed) {
      const data = event.data as ChargeFailed;
      agreementId = data.agreementId;
      command =
        data.periodNumber === 1
          ? { type: 'FailPurchase', reason: 'payment_declined', now: deps.clock.now() }
          : {
              type: 'FailRenewal',
              periodNumber: data.periodNumber,
              reason: data.reason,
              now: new Date(data.failedAt),
            };
    } else {
      return;
    }
    const streamId = `${STREAM_PREFIX}${agreementId}`;
    const existing = await deps.store.readStream(streamId);
    // Another stack's or operator's charge: not ours to act on.
    if (existing.length === 0 || existing[0].metadata.operatorId !== event.operatorId) return;
    await handleCommand(
      deps.store,
      streamId,
      {
        initialState,
        evolve: (state, e) => evolve(state, e as unknown as AgreementEvent),
        decide: (state) =>
          decide(command, state).map((e) => ({
            type: e.type,
            data: e.data,
            metadata: {
              operatorId: event.operatorId,
              correlationId: event.correlationId,
              causationId: event.eventId,
              traceparent: event.traceparent,
              actor: { kind: 'system' as const, id: 'payment-renewal' },
            },
          })),
      },
      { streamType: 'agreement' },
    );
  };
}
