// Runs one command on an agreement's stream: the agreement must belong to the request's operator (and,
// through the decider, to the calling customer); anything else is not found. Answers the new view.
import { AppError, type RequestContext } from '@parking/contracts';
import type { Agreement } from '@parking/contracts/agreement';
import { handleCommand, type EventMetadata } from '@parking/event-store';
import { evolve, initialState, type AgreementEvent, type AgreementState } from '../domain/agreement.js';
import { decide, type AgreementCommand } from '../domain/decide.js';
import { toView } from '../domain/view.js';
import type { Deps } from '../deps.js';
import { STREAM_PREFIX } from '../projections/agreements/agreements.projection.js';
import { eventMetadata } from './metadata.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function runAgreementCommand(
  deps: Pick<Deps, 'store'>,
  ctx: RequestContext,
  agreementId: string,
  command: (state: AgreementState) => AgreementCommand,
  metadata: EventMetadata = eventMetadata(ctx),
): Promise<{ view: Agreement; events: AgreementEvent[] }> {
  if (!UUID.test(agreementId)) throw new AppError('NOT_FOUND', 'agreement not found');
  let operatorId: string | undefined;
  const result = await handleCommand(
    deps.store,
    `${STREAM_PREFIX}${agreementId}`,
    {
      initialState,
      evolve: (state, event) => {
        if (event.streamVersion === 1) operatorId = event.metadata.operatorId;
        return evolve(state, event as unknown as AgreementEvent);
      },
      decide: (state) => {
        if (state.status === 'none' || operatorId !== ctx.operatorId)
          throw new AppError('NOT_FOUND', 'agreement not found');
        return decide(command(state), state).map((e) => ({ type: e.type, data: e.data, metadata }));
      },
    },
    { streamType: 'agreement' },
  );
  if (result.state.status === 'none') throw new AppError('NOT_FOUND', 'agreement not found');
  return {
    view: toView(result.state),
    events: result.events.map((e) => ({ type: e.type, data: e.data }) as AgreementEvent),
  };
}
