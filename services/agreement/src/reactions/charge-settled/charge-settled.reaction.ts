// Turns payment-renewal's ChargeSucceeded / ChargeFailed for a first period into the agreement's
// activation or failed purchase. A redelivery changes nothing (the inbox, and the decider ignores an
// agreement that is no longer pending).
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
      if (data.periodNumber !== 1) return;
      agreementId = data.agreementId;
      command = { type: 'ActivateAgreement', chargeId: data.chargeId, now: deps.clock.now() };
    } else if (event.subject === PAYMENT_EVENTS.chargeFailed) {
      const data = event.data as ChargeFailed;
      if (data.periodNumber !== 1) return;
      agreementId = data.agreementId;
      command = { type: 'FailPurchase', reason: 'payment_declined', now: deps.clock.now() };
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
