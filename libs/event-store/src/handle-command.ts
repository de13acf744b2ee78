// Read a stream, fold it, decide, append with the read version — retried when another writer won.
import { isAppError } from '@parking/contracts';
import type { EventStore, NewEvent, RecordedEvent } from './types.js';

export interface CommandHandlerSpec<State, E extends NewEvent> {
  initialState: () => State;
  evolve: (state: State, event: RecordedEvent) => State;
  decide: (state: State, version: number) => E[];
}

export async function handleCommand<State, E extends NewEvent>(
  store: EventStore,
  streamId: string,
  spec: CommandHandlerSpec<State, E>,
  options: { streamType?: string; retries?: number } = {},
): Promise<{ state: State; events: RecordedEvent[]; version: number }> {
  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    const history = await store.readStream(streamId);
    const version = history.length ? history[history.length - 1].streamVersion : 0;
    const state = history.reduce(spec.evolve, spec.initialState());
    const decided = spec.decide(state, version);
    if (decided.length === 0) return { state, events: [], version };
    try {
      const result = await store.append(streamId, decided, {
        expectedVersion: version === 0 ? 'no_stream' : version,
        streamType: options.streamType,
      });
      return {
        state: result.events.reduce(spec.evolve, state),
        events: result.events,
        version: result.nextExpectedVersion,
      };
    } catch (err) {
      if (isAppError(err) && err.code === 'CONFLICT' && attempt < retries) continue;
      throw err;
    }
  }
}
