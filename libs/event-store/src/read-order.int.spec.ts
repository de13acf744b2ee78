// The global reader returns events in numeric (transaction id, position) order, also where the numbers
// gain a digit: sorted as text, position 10 would come before 9, and a subscription would store the
// checkpoint of an event in the middle of its batch and fold a stream's events out of order.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDatabase } from '@parking/testing';
import { PostgresEventStore } from './postgres-event-store.js';
import { event, eventStoreDatabase, waitUntil } from './test-support.test-helpers.js';
import { START } from './types.js';

describe('the global reader’s order', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await eventStoreDatabase();
    store = new PostgresEventStore(db.pool);
  });
  afterAll(() => db.drop());

  it('orders positions numerically across 9 → 10 and 99 → 100', async () => {
    // One append, one transaction: the order then rests on the positions alone.
    await store.append(
      'order-1',
      Array.from({ length: 120 }, (_, n) => event('Numbered', { n })),
      {
        expectedVersion: 'no_stream',
      },
    );
    let events = await store.readAll(START, 500);
    await waitUntil(async () => (events = await store.readAll(START, 500)).length === 120);
    expect(events.map((e) => (e.data as { n: number }).n)).toEqual(Array.from({ length: 120 }, (_, n) => n));
    const positions = events.map((e) => e.globalPosition);
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });
});
