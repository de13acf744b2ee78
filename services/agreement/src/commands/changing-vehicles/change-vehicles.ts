// Replacing the vehicles of an agreement (1..max), at any time.
import { parseOrThrow, type RequestContext } from '@parking/contracts';
import { changeVehiclesSchema, type Agreement } from '@parking/contracts/agreement';
import { handleCommand } from '@parking/event-store';
import { evolve, initialState, type AgreementEvent } from '../../domain/agreement.js';
import { decide } from '../../domain/decide.js';
import { toView } from '../../domain/view.js';
import type { Deps } from '../../deps.js';
import { STREAM_PREFIX } from '../../projections/agreements/agreements.projection.js';
import { findAgreement } from '../../projections/agreements/agreements.queries.js';
import { eventMetadata, userOf } from '../metadata.js';
import { AppError } from '@parking/contracts';

export async function changeVehicles(deps: Deps, input: unknown, ctx: RequestContext): Promise<Agreement> {
  const userId = userOf(ctx);
  const request = parseOrThrow(changeVehiclesSchema, input);
  // Scoped to the operator and owner before touching the stream: another's agreement is not found.
  if (!(await findAgreement(deps.pool, ctx, request.agreementId)))
    throw new AppError('NOT_FOUND', 'agreement not found');
  const result = await handleCommand(
    deps.store,
    `${STREAM_PREFIX}${request.agreementId}`,
    {
      initialState,
      evolve: (state, event) => evolve(state, event as unknown as AgreementEvent),
      decide: (state) =>
        decide(
          { type: 'ChangeVehicles', userId, vehicles: request.vehicles, now: deps.clock.now() },
          state,
        ).map((e) => ({ type: e.type, data: e.data, metadata: eventMetadata(ctx) })),
    },
    { streamType: 'agreement' },
  );
  if (result.state.status === 'none') throw new AppError('NOT_FOUND', 'agreement not found');
  return toView(result.state);
}
