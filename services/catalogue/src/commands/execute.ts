// Runs a catalogue command: read the stream, fold, decide, append at the read version (handleCommand),
// and project the new events — with any extra writes the command needs — in the same transaction. A
// lost race re-runs the whole transaction; a refusal rolls it back, so nothing changes.
import { AppError, hasRole, isAppError, type RequestContext } from '@parking/contracts';
import {
  eventMetadata,
  handleCommand,
  type EventStore,
  type PostgresEventStore,
  type RecordedEvent,
} from '@parking/event-store';
import type pg from 'pg';
import type { CatalogueEvent } from '../domain/catalogue.js';
import { project } from '../projections/catalogue.projection.js';
import { inTransaction } from '../projections/catalogue-writer.js';

export interface CatalogueDecider<Command, State> {
  initialState(): State;
  evolve(state: State, event: CatalogueEvent): State;
  decide(command: Command, state: State): CatalogueEvent[];
}

/** Only an operator's admins (or the service itself) change its catalogue. */
export function assertOperatorAdmin(ctx: RequestContext): void {
  if (ctx.caller.kind === 'system') return;
  if (!hasRole(ctx.caller, 'operator') || ctx.caller.kind !== 'user')
    throw new AppError('FORBIDDEN', "Only the operator's admins may change its catalogue");
}

export { eventMetadata };

/** The event store with every call joining `client`'s transaction. */
function joined(store: PostgresEventStore, client: pg.PoolClient): EventStore {
  return {
    append: (streamId, events, options) => store.append(streamId, events, { ...options, client }),
    readStream: (streamId, options) => store.readStream(streamId, { ...options, client }),
    readAll: (after, limit) => store.readAll(after, limit, client),
  };
}

const asCatalogueEvent = (e: RecordedEvent) => ({ type: e.type, data: e.data }) as CatalogueEvent;
const lostRace = (err: unknown) =>
  isAppError(err) && err.code === 'CONFLICT' && (err.data as { streamId?: string } | undefined)?.streamId;

export async function execute<Command, State>(
  deps: { pool: pg.Pool; store: PostgresEventStore },
  ctx: RequestContext,
  streamId: string,
  decider: CatalogueDecider<Command, State>,
  command: Command,
  /** Writes that must commit with the events (e.g. a staff list's numbers), given what was appended. */
  alongside?: (client: pg.PoolClient, events: CatalogueEvent[], state: State) => Promise<void>,
): Promise<{ state: State; events: CatalogueEvent[] }> {
  const metadata = eventMetadata(ctx);
  for (let attempt = 0; ; attempt++) {
    try {
      return await inTransaction(deps.pool, async (client) => {
        const result = await handleCommand(
          joined(deps.store, client),
          streamId,
          {
            initialState: decider.initialState,
            evolve: (state, e) => decider.evolve(state, asCatalogueEvent(e)),
            decide: (state) =>
              decider.decide(command, state).map((e) => ({ type: e.type, data: e.data, metadata })),
          },
          { streamType: streamId.split('-')[0], retries: 0 },
        );
        const events = result.events.map(asCatalogueEvent);
        for (const e of events) await project(client, ctx.operatorId, e);
        await alongside?.(client, events, result.state);
        return { state: result.state, events };
      });
    } catch (err) {
      if (lostRace(err) && attempt < 3) continue;
      throw err;
    }
  }
}
