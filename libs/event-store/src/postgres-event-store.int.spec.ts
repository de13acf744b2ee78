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
    const { rows } = await db.pool.query(`select version from es.streams where stream_id = 'cart-5'`);
    expect(rows[0].version).toBe(3);
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
