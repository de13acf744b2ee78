import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDatabase } from '@parking/testing';
import { loadCheckpoint } from './checkpoints.js';
import { EventSubscription } from './subscription.js';
import { PostgresEventStore } from './postgres-event-store.js';
import { event, eventStoreDatabase, sleep, waitUntil } from './test-support.test-helpers.js';
import { START, type Checkpoint, type RecordedEvent } from './types.js';

const below = (a: Checkpoint, b: Checkpoint) =>
  a.transactionId < b.transactionId ||
  (a.transactionId === b.transactionId && a.globalPosition <= b.globalPosition);

describe('the commit-ordered global reader', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await eventStoreDatabase();
    store = new PostgresEventStore(db.pool);
  });
  afterAll(() => db.drop());

  /** Opens transaction A and appends in it (A takes its xid), then B appends and commits. */
  async function outOfOrderCommit(tag: string) {
    const a = await db.pool.connect();
    await a.query('begin');
    await store.append(`${tag}-a`, [event('FromA')], { expectedVersion: 'no_stream', client: a });
    const b = await store.append(`${tag}-b`, [event('FromB')], { expectedVersion: 'no_stream' });
    return {
      a,
      b: b.events[0],
      async commit() {
        await a.query('commit');
        a.release();
      },
    };
  }

  it('holds back an event committed while an older transaction is open, then returns both in commit order', async () => {
    const { b, commit } = await outOfOrderCommit('direct');
    // B is committed, but A (older xid, still open) could still commit below it.
    await sleep(50);
    expect((await store.readAll(START, 100)).map((e) => e.eventId)).not.toContain(b.eventId);
    await commit();
    let all: RecordedEvent[] = [];
    await waitUntil(async () => (all = await store.readAll(START, 100)).some((e) => e.eventId === b.eventId));
    const mine = all.filter((e) => e.streamId.startsWith('direct-')).map((e) => e.type);
    expect(mine).toEqual(['FromA', 'FromB']);
  });

  it('a subscription with batch size 1 delivers both events of an out-of-order commit, in commit order, never one below its checkpoint', async () => {
    const seen: RecordedEvent[] = [];
    const checkpoints: Checkpoint[] = [];
    const violations: string[] = [];
    const subscription = new EventSubscription({
      pool: db.pool,
      subscriptionId: 'race',
      batchSize: 1,
      pollIntervalMs: 50,
      handle: async (events, client) => {
        const at = await loadCheckpoint(client, 'race');
        for (const e of events) if (below(e, at)) violations.push(e.type);
        seen.push(...events);
        checkpoints.push(at);
      },
    });
    // Catch up with what earlier tests wrote, then watch only the race.
    await waitUntil(async () => {
      const r = await subscription.step();
      return r !== null && r.handled === 0 && !r.pending;
    });
    seen.length = 0;
    checkpoints.length = 0;
    await subscription.start();
    try {
      const { b, commit } = await outOfOrderCommit('sub');
      // Give the running subscription every chance to (wrongly) take B while A is open.
      await sleep(300);
      expect(seen.map((e) => e.type)).toEqual([]);
      await commit();
      await waitUntil(() => seen.some((e) => e.eventId === b.eventId), 20_000, 'B delivered');
    } finally {
      await subscription.stop();
    }
    expect(seen.map((e) => e.type)).toEqual(['FromA', 'FromB']);
    expect(seen[0].transactionId < seen[1].transactionId).toBe(true);
    expect(violations).toEqual([]);
    // Each batch started where the previous one ended.
    expect(checkpoints[1]).toEqual({
      transactionId: seen[0].transactionId,
      globalPosition: seen[0].globalPosition,
    });
    // Nothing more, and nothing again.
    expect((await subscription.step())?.handled ?? 0).toBe(0);
    expect(seen).toHaveLength(2);
  });

  it('delivers every event exactly once, in (transaction id, position) order, under concurrent writers', async () => {
    const seen: RecordedEvent[] = [];
    const subscription = new EventSubscription({
      pool: db.pool,
      subscriptionId: 'many',
      batchSize: 7,
      pollIntervalMs: 50,
      handle: async (events) => {
        seen.push(...events);
      },
    });
    await subscription.start();
    const writers = 6;
    const perWriter = 25;
    try {
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = 0; i < perWriter; i++) {
            if (i % 5 === 0) {
              // Some appends stay open a little, so commits overtake each other.
              const tx = await db.pool.connect();
              await tx.query('begin');
              await store.append(`many-${w}`, [event('E', { w, i })], {
                expectedVersion: i === 0 ? 'no_stream' : i,
                client: tx,
              });
              await sleep(15);
              await tx.query('commit');
              tx.release();
            } else {
              await store.append(`many-${w}`, [event('E', { w, i })], { expectedVersion: i });
            }
          }
        }),
      );
      await waitUntil(() => seen.filter((e) => e.streamId.startsWith('many-')).length >= writers * perWriter);
    } finally {
      await subscription.stop();
    }
    const mine = seen.filter((e) => e.streamId.startsWith('many-'));
    expect(mine).toHaveLength(writers * perWriter);
    expect(new Set(seen.map((e) => e.eventId)).size).toBe(seen.length);
    for (let i = 1; i < seen.length; i++) expect(below(seen[i - 1], seen[i])).toBe(true);
    // Per stream, versions arrive in order.
    for (let w = 0; w < writers; w++) {
      const versions = mine.filter((e) => e.streamId === `many-${w}`).map((e) => e.streamVersion);
      expect(versions).toEqual(Array.from({ length: perWriter }, (_, i) => i + 1));
    }
  });
});
