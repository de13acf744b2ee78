import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDatabase } from '@parking/testing';
import { handleCommand } from './handle-command.js';
import { PostgresEventStore } from './postgres-event-store.js';
import { event, eventStoreDatabase } from './test-support.test-helpers.js';
import type { EventStore, RecordedEvent } from './types.js';

// A counter that may count up to a limit: decide needs the folded state.
type Counter = { count: number };
const counter = (limit = Infinity) => ({
  initialState: (): Counter => ({ count: 0 }),
  evolve: (s: Counter, e: RecordedEvent): Counter => (e.type === 'Counted' ? { count: s.count + 1 } : s),
  decide: (s: Counter) => (s.count < limit ? [event('Counted', { to: s.count + 1 })] : []),
});

describe('handleCommand', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await eventStoreDatabase();
    store = new PostgresEventStore(db.pool);
  });
  afterAll(() => db.drop());

  it('folds the stream, decides, and appends at the read version', async () => {
    const first = await handleCommand(store, 'counter-1', counter());
    expect(first).toMatchObject({ state: { count: 1 }, version: 1 });
    const second = await handleCommand(store, 'counter-1', counter(), { streamType: 'tally' });
    expect(second.state).toEqual({ count: 2 });
    expect(second.version).toBe(2);
    expect(second.events.map((e) => [e.type, e.streamVersion, e.data])).toEqual([['Counted', 2, { to: 2 }]]);
    expect((await store.readStream('counter-1')).map((e) => e.streamType)).toEqual(['counter', 'counter']);
  });

  it('appends nothing when decide returns no events, and answers the current state and version', async () => {
    await handleCommand(store, 'counter-2', counter(1));
    const again = await handleCommand(store, 'counter-2', counter(1));
    expect(again).toEqual({ state: { count: 1 }, events: [], version: 1 });
    expect(await store.readStream('counter-2')).toHaveLength(1);
    expect(await handleCommand(store, 'counter-none', counter(0))).toEqual({
      state: { count: 0 },
      events: [],
      version: 0,
    });
  });

  it('re-reads and decides again when another writer wins, so concurrent commands all count', async () => {
    const results = await Promise.all(
      Array.from({ length: 4 }, () => handleCommand(store, 'counter-3', counter(), { retries: 10 })),
    );
    expect(results.map((r) => r.version).sort()).toEqual([1, 2, 3, 4]);
    const events = await store.readStream('counter-3');
    // Each decision saw the state it appended on: no lost update.
    expect(events.map((e) => (e.data as { to: number }).to)).toEqual([1, 2, 3, 4]);
  });

  it('gives up with the CONFLICT after its retries', async () => {
    let attempts = 0;
    // A real competing writer lands between every read and append.
    const contested: EventStore = {
      readStream: (id, o) => store.readStream(id, o),
      readAll: (a, l) => store.readAll(a, l),
      append: async (id, events, options) => {
        attempts++;
        await store.append(id, [event('Counted', { to: -1 })], { expectedVersion: 'any' });
        return store.append(id, events, options);
      },
    };
    await expect(handleCommand(contested, 'counter-4', counter(), { retries: 2 })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(attempts).toBe(3);
    expect((await store.readStream('counter-4')).map((e) => (e.data as { to: number }).to)).toEqual([
      -1, -1, -1,
    ]);
  });
});
