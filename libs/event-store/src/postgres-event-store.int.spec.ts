import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDatabase } from '@parking/testing';
import pg from 'pg';
import client from 'prom-client';
import { PostgresEventStore } from './postgres-event-store.js';
import { event, eventStoreDatabase, OPERATOR, waitUntil } from './test-support.test-helpers.js';
import { START, type RecordedEvent } from './types.js';

describe('PostgresEventStore', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await eventStoreDatabase();
    store = new PostgresEventStore(db.pool);
  });
  afterAll(() => db.drop());

  const types = async (streamId: string) => (await store.readStream(streamId)).map((e) => e.type);

  it('creates a stream with no_stream and reads it back in order with metadata', async () => {
    const r = await store.append(
      'cart-1',
      [event('A', { n: 1 }), event('B', { n: 2 }, { correlationId: 'c-1', traceparent: 'tp' })],
      { expectedVersion: 'no_stream' },
    );
    expect(r.nextExpectedVersion).toBe(2);
    expect(r.events.map((e) => [e.type, e.streamVersion])).toEqual([
      ['A', 1],
      ['B', 2],
    ]);
    const events = await store.readStream('cart-1');
    expect(events.map((e) => [e.type, e.streamVersion, e.data])).toEqual([
      ['A', 1, { n: 1 }],
      ['B', 2, { n: 2 }],
    ]);
    expect(events[1].metadata).toEqual({ operatorId: OPERATOR, correlationId: 'c-1', traceparent: 'tp' });
    expect(events[0].streamType).toBe('cart');
    expect(typeof events[0].globalPosition).toBe('bigint');
    expect(events[0].globalPosition < events[1].globalPosition).toBe(true);
    // The append's result is what a reader gets.
    expect(r.events.map((e) => [e.eventId, e.globalPosition, e.transactionId])).toEqual(
      events.map((e) => [e.eventId, e.globalPosition, e.transactionId]),
    );
  });

  it('reads a stream from a given version', async () => {
    await store.append('cart-10', [event('A'), event('B'), event('C')], { expectedVersion: 'no_stream' });
    expect((await store.readStream('cart-10', { fromVersion: 2 })).map((e) => e.type)).toEqual(['B', 'C']);
    expect(await store.readStream('cart-none')).toEqual([]);
  });

  it('appends at the exact expected version and refuses a stale or future one', async () => {
    await store.append('cart-2', [event('A')], { expectedVersion: 'no_stream' });
    const r = await store.append('cart-2', [event('B')], { expectedVersion: 1 });
    expect(r.nextExpectedVersion).toBe(2);
    const stale = store.append('cart-2', [event('C')], { expectedVersion: 1 });
    await expect(stale).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'stream cart-2 is at another version',
      data: { streamId: 'cart-2', expectedVersion: 1 },
    });
    await expect(store.append('cart-2', [event('C')], { expectedVersion: 3 })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(store.append('cart-new', [event('C')], { expectedVersion: 1 })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await types('cart-2')).toEqual(['A', 'B']);
    expect(await types('cart-new')).toEqual([]);
  });

  it('refuses no_stream on an existing stream', async () => {
    await store.append('cart-3', [event('A')], { expectedVersion: 'no_stream' });
    await expect(
      store.append('cart-3', [event('B')], { expectedVersion: 'no_stream' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await types('cart-3')).toEqual(['A']);
  });

  it('appends with any at whatever version the stream has, also when writers race', async () => {
    await store.append('cart-4', [event('A')], { expectedVersion: 'any' });
    await store.append('cart-4', [event('B')], { expectedVersion: 'any' });
    await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        store.append('cart-4', [event(`R${i}`)], { expectedVersion: 'any' }),
      ),
    );
    const events = await store.readStream('cart-4');
    expect(events.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(
      events
        .slice(2)
        .map((e) => e.type)
        .sort(),
    ).toEqual(['R0', 'R1', 'R2', 'R3']);
  });

  it('lets exactly one of 5 concurrent appends with the same expected version win', async () => {
    await store.append('cart-5', [event('A')], { expectedVersion: 'no_stream' });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        store.append('cart-5', [event('B', { i }), event('C', { i })], { expectedVersion: 1 }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason.code).toBe('CONFLICT');
    }
    const events = await store.readStream('cart-5');
    expect(events.map((e) => e.type)).toEqual(['A', 'B', 'C']);
    // Both events of the winner, none mixed in from a loser.
    expect(new Set(events.slice(1).map((e) => (e.data as { i: number }).i)).size).toBe(1);
  });

  /** Resolves once a backend of the pool waits on a lock (a racing append blocked on another's row). */
  const someoneWaitsOnALock = () =>
    waitUntil(async () => {
      const { rows } = await db.pool.query(
        `select count(*)::int as n from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock'`,
      );
      return rows[0].n > 0;
    });

  it('never places part of an append: one that lost its first version to a racing writer places none', async () => {
    await store.append('cart-14', [event('A')], { expectedVersion: 'no_stream' });
    const winner = await db.pool.connect();
    try {
      await winner.query('begin');
      // The winner takes version 2 only; the loser wants 2 and 3 and waits on the winner's version 2.
      await store.append('cart-14', [event('W')], { expectedVersion: 1, client: winner });
      const loser = store.append('cart-14', [event('L1'), event('L2')], { expectedVersion: 1 });
      await someoneWaitsOnALock();
      await winner.query('commit');
      await expect(loser).rejects.toMatchObject({ code: 'CONFLICT', data: { streamId: 'cart-14' } });
    } finally {
      await winner.query('rollback').catch(() => {});
      winner.release();
    }
    // Not A, W, L2: version 3 stays free for whoever read version 2.
    expect(await types('cart-14')).toEqual(['A', 'W']);
    await store.append('cart-14', [event('B')], { expectedVersion: 2 });
    expect(await types('cart-14')).toEqual(['A', 'W', 'B']);
  });

  it('an any append of several events that lost a race re-reads the version and places them all', async () => {
    await store.append('cart-15', [event('A')], { expectedVersion: 'no_stream' });
    const winner = await db.pool.connect();
    try {
      await winner.query('begin');
      await store.append('cart-15', [event('W')], { expectedVersion: 1, client: winner });
      const loser = store.append('cart-15', [event('L1'), event('L2')], { expectedVersion: 'any' });
      await someoneWaitsOnALock();
      await winner.query('commit');
      expect((await loser).nextExpectedVersion).toBe(4);
    } finally {
      await winner.query('rollback').catch(() => {});
      winner.release();
    }
    expect(await types('cart-15')).toEqual(['A', 'W', 'L1', 'L2']);
  });

  it("refuses a stale append inside a caller's transaction and leaves that transaction usable", async () => {
    await store.append('cart-16', [event('A'), event('B')], { expectedVersion: 'no_stream' });
    const tx = await db.pool.connect();
    try {
      await tx.query('begin');
      for (const stale of [1, 'no_stream', 3] as const) {
        await expect(
          store.append('cart-16', [event('Stale')], { expectedVersion: stale, client: tx }),
        ).rejects.toMatchObject({ code: 'CONFLICT' });
        await expect(
          store.append('cart-16', [event('Stale'), event('Stale')], { expectedVersion: stale, client: tx }),
        ).rejects.toMatchObject({ code: 'CONFLICT' });
      }
      // Still the same open transaction: the append at the right version goes in with it.
      await store.append('cart-16', [event('C')], { expectedVersion: 2, client: tx });
      await tx.query('commit');
    } finally {
      await tx.query('rollback').catch(() => {});
      tx.release();
    }
    expect(await types('cart-16')).toEqual(['A', 'B', 'C']);
  });

  it('a racing writer of the same version waits for the other and is refused once it commits', async () => {
    await store.append('cart-17', [event('A')], { expectedVersion: 'no_stream' });
    const winner = await db.pool.connect();
    try {
      await winner.query('begin');
      await store.append('cart-17', [event('W')], { expectedVersion: 1, client: winner });
      const loser = store.append('cart-17', [event('L')], { expectedVersion: 1 });
      await someoneWaitsOnALock();
      await winner.query('rollback');
      // The winner gave up: the one that waited takes version 2.
      expect((await loser).nextExpectedVersion).toBe(2);
      await winner.query('begin');
      await store.append('cart-17', [event('W')], { expectedVersion: 2, client: winner });
      const second = store.append('cart-17', [event('L')], { expectedVersion: 2 });
      await someoneWaitsOnALock();
      await winner.query('commit');
      await expect(second).rejects.toMatchObject({ code: 'CONFLICT' });
    } finally {
      await winner.query('rollback').catch(() => {});
      winner.release();
    }
    expect(await types('cart-17')).toEqual(['A', 'L', 'W']);
  });

  it('lets exactly one of 5 concurrent creates of one stream win', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        store.append('cart-6', [event('A', { i })], { expectedVersion: 'no_stream' }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason.code).toBe('CONFLICT');
    }
    expect(await store.readStream('cart-6')).toHaveLength(1);
  });

  it('never records an event id twice: a retried append is a CONFLICT and leaves one copy', async () => {
    const once = { ...event('A'), eventId: '11111111-1111-4111-8111-111111111111' };
    await store.append('cart-7', [once], { expectedVersion: 'no_stream' });
    // The same append again (a retry after a lost reply), and the same id on another stream.
    await expect(store.append('cart-7', [once], { expectedVersion: 1 })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(store.append('cart-7', [once], { expectedVersion: 'any' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(store.append('cart-8', [once], { expectedVersion: 'no_stream' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await store.readStream('cart-7')).toHaveLength(1);
    expect(await store.readStream('cart-8')).toHaveLength(0);
    // The refused append left the stream's version alone.
    await store.append('cart-7', [event('B')], { expectedVersion: 1 });
    const { rows } = await db.pool.query(`select count(*)::int as n from es.events where event_id = $1`, [
      once.eventId,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('appends inside a caller transaction, visible only at its commit and gone with its rollback', async () => {
    const tx = await db.pool.connect();
    try {
      await tx.query('begin');
      await store.append('cart-11', [event('A')], { expectedVersion: 'no_stream', client: tx });
      expect(await store.readStream('cart-11')).toHaveLength(0);
      await tx.query('rollback');
      expect(await store.readStream('cart-11')).toHaveLength(0);
      await tx.query('begin');
      await store.append('cart-11', [event('A')], { expectedVersion: 'no_stream', client: tx });
      await tx.query('commit');
    } finally {
      tx.release();
    }
    expect(await types('cart-11')).toEqual(['A']);
  });

  it('tells other processes about a committed append by NOTIFY on its channel', async () => {
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    try {
      const notified: string[] = [];
      listener.on('notification', (n) => notified.push(n.channel));
      await listener.query('listen es_events');
      const t0 = Date.now();
      await store.append('cart-13', [event('A')], { expectedVersion: 'no_stream' });
      await waitUntil(() => notified.length > 0, 5_000);
      expect(notified[0]).toBe('es_events');
      expect(Date.now() - t0).toBeLessThan(1_000);
    } finally {
      await listener.end();
    }
  });

  it('upcasts old event shapes when read, and leaves current ones alone', async () => {
    const upcasting = new PostgresEventStore(db.pool, {
      schemaVersions: { Renamed: 2 },
      upcasters: {
        Renamed: (e) => ({ fullName: (e.data as { name: string }).name, from: e.schemaVersion }),
      },
    });
    await store.append('cart-9', [event('Renamed', { name: 'Kari' })], { expectedVersion: 'no_stream' });
    await upcasting.append('cart-9', [event('Renamed', { fullName: 'Ola' })], { expectedVersion: 1 });
    const events = await upcasting.readStream('cart-9');
    expect(events.map((e) => [e.schemaVersion, e.data])).toEqual([
      [1, { fullName: 'Kari', from: 1 }],
      [2, { fullName: 'Ola' }],
    ]);
    let fromLog: RecordedEvent[] = [];
    await waitUntil(
      async () =>
        (fromLog = (await upcasting.readAll(START, 1000)).filter((e) => e.streamId === 'cart-9')).length ===
        2,
    );
    expect(fromLog[0].data).toEqual({ fullName: 'Kari', from: 1 });
  });

  it('refuses an empty append and a version that is not one', async () => {
    await expect(store.append('cart-12', [], { expectedVersion: 'no_stream' })).rejects.toMatchObject({
      code: 'INTERNAL',
    });
    await expect(store.append('cart-12', [event('A')], { expectedVersion: -1 })).rejects.toMatchObject({
      code: 'INTERNAL',
    });
  });

  it('counts appended events by stream type and times appends', async () => {
    const counter = client.register.getSingleMetric('es_events_appended_total')!;
    const before = (await counter.get()).values.find((v) => v.labels.stream_type === 'metered')?.value ?? 0;
    await store.append('metered-1', [event('A'), event('B')], { expectedVersion: 'no_stream' });
    const after = (await counter.get()).values.find((v) => v.labels.stream_type === 'metered')?.value;
    expect(after).toBe(before + 2);
    const histogram = await client.register.getSingleMetric('es_append_duration_seconds')!.get();
    const count = histogram.values.find(
      (v) => (v as { metricName?: string }).metricName === 'es_append_duration_seconds_count',
    );
    expect(count!.value).toBeGreaterThan(0);
  });

  it('reads every committed event of the global log in commit order', async () => {
    const { rows } = await db.pool.query('select count(*)::int as n from es.events');
    let all = await store.readAll(START, 10_000);
    await waitUntil(async () => (all = await store.readAll(START, 10_000)).length === rows[0].n);
    const keys = all.map((e) => [e.transactionId, e.globalPosition] as const);
    const sorted = [...keys].sort((a, b) => (a[0] === b[0] ? Number(a[1] - b[1]) : Number(a[0] - b[0])));
    expect(keys).toEqual(sorted);
    // Paging with the last position as the next start covers the same log.
    const paged = [];
    let after = START;
    for (;;) {
      const page = await store.readAll(after, 7);
      if (page.length === 0) break;
      paged.push(...page);
      after = { transactionId: page.at(-1)!.transactionId, globalPosition: page.at(-1)!.globalPosition };
    }
    expect(paged.map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
  });
});
