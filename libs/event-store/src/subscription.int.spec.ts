import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDatabase } from '@parking/testing';
import type pg from 'pg';
import { loadCheckpoint } from './checkpoints.js';
import { PostgresEventStore } from './postgres-event-store.js';
import { EventSubscription } from './subscription.js';
import { event, eventStoreDatabase, sleep, waitUntil } from './test-support.test-helpers.js';
import type { RecordedEvent } from './types.js';

describe('EventSubscription', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await eventStoreDatabase();
    store = new PostgresEventStore(db.pool);
    await db.pool.query(
      'create table projected (subscription text, event_id uuid, type text, primary key (subscription, event_id))',
    );
    await db.pool.query('create table attempts (event_id uuid primary key)');
  });
  afterAll(() => db.drop());

  /** A read model that refuses to see an event twice (primary key), written in the subscription's transaction. */
  const projectInto = (subscription: string) => async (events: RecordedEvent[], client: pg.PoolClient) => {
    for (const e of events)
      await client.query('insert into projected values ($1, $2, $3)', [subscription, e.eventId, e.type]);
  };
  const projected = async (subscription: string) =>
    (
      await db.pool.query('select type from projected where subscription = $1 order by type', [subscription])
    ).rows.map((r) => r.type as string);
  const total = async () =>
    (await db.pool.query('select count(*)::int as n from es.events')).rows[0].n as number;

  it('resumes from its checkpoint after a restart, handling each event once', async () => {
    const handled: string[] = [];
    const handle = async (events: RecordedEvent[], client: pg.PoolClient) => {
      handled.push(...events.map((e) => e.eventId));
      await projectInto('resume')(events, client);
    };
    await store.append('s-1', [event('A'), event('B'), event('C')], { expectedVersion: 'no_stream' });
    const sub = new EventSubscription({ pool: db.pool, subscriptionId: 'resume', handle, batchSize: 2 });
    await sub.start();
    expect(sub.isRunning()).toBe(true);
    await waitUntil(async () => (await projected('resume')).length === 3);
    await sub.stop();
    expect(sub.isRunning()).toBe(false);

    await store.append('s-1', [event('D')], { expectedVersion: 3 });
    const again = new EventSubscription({ pool: db.pool, subscriptionId: 'resume', handle, batchSize: 2 });
    await again.start();
    await waitUntil(async () => (await projected('resume')).length === 4);
    await sleep(100);
    await again.stop();
    expect(await projected('resume')).toEqual(['A', 'B', 'C', 'D']);
    expect(new Set(handled).size).toBe(handled.length);
    expect(handled).toHaveLength(4);
    const last = (await store.readStream('s-1')).at(-1)!;
    expect(again.position).toEqual({
      transactionId: last.transactionId,
      globalPosition: last.globalPosition,
    });
  });

  it('keeps the checkpoint where it was when the handler throws, and retries the same batch', async () => {
    await store.append('s-2', [event('A'), event('B')], { expectedVersion: 'no_stream' });
    let failures = 2;
    const batches: string[][] = [];
    const errors: unknown[] = [];
    const sub = new EventSubscription({
      pool: db.pool,
      subscriptionId: 'atomic',
      batchSize: 1000,
      logger: { info() {}, warn() {}, error: (obj) => errors.push(obj) },
      handle: async (events, client) => {
        batches.push(events.map((e) => e.eventId));
        await client.query('insert into attempts values ($1)', [events[0].eventId]);
        if (failures-- > 0) throw new Error('boom');
      },
    });
    // By hand: the failure propagates, the write and the checkpoint roll back together.
    await waitUntil(async () => {
      try {
        await sub.step();
        return false;
      } catch (err) {
        expect((err as Error).message).toBe('boom');
        return true;
      }
    });
    expect((await db.pool.query('select count(*)::int as n from attempts')).rows[0].n).toBe(0);
    expect((await loadCheckpoint(db.pool, 'atomic')).globalPosition).toBe(0n);
    // Running: the loop logs, backs off and retries the same batch until it goes through.
    await sub.start();
    await waitUntil(async () => (await loadCheckpoint(db.pool, 'atomic')).globalPosition > 0n);
    await sub.stop();
    expect(errors).toHaveLength(1);
    expect(batches.length).toBeGreaterThanOrEqual(3);
    expect(batches[1][0]).toBe(batches[0][0]);
    expect(batches[2][0]).toBe(batches[0][0]);
    expect((await db.pool.query('select count(*)::int as n from attempts')).rows[0].n).toBe(1);
  });

  it('wakes on an append in this process well before its poll interval', async () => {
    const seen: string[] = [];
    const sub = new EventSubscription({
      pool: db.pool,
      subscriptionId: 'local-wake',
      pollIntervalMs: 60_000,
      handle: async (events) => {
        seen.push(...events.map((e) => e.type));
      },
    });
    await store.append('s-local-0', [event('Warmup')], { expectedVersion: 'no_stream' });
    await sub.start();
    try {
      await waitUntil(() => seen.includes('Warmup'));
      await sleep(100);
      const t0 = Date.now();
      await store.append('s-local', [event('Woken')], { expectedVersion: 'no_stream' });
      await waitUntil(() => seen.includes('Woken'), 10_000);
      expect(Date.now() - t0).toBeLessThan(5_000);
    } finally {
      await sub.stop();
    }
  }, 30_000);

  it('wakes on a NOTIFY from another connection, and again after its listener connection is killed', async () => {
    const seen: string[] = [];
    const warnings: string[] = [];
    const sub = new EventSubscription({
      pool: db.pool,
      subscriptionId: 'notify',
      logger: {
        info() {},
        warn: (obj, msg) => {
          warnings.push(msg ?? '');
          if (process.env.DEBUG_ES) console.log(new Date().toISOString(), msg, obj);
        },
        error: (obj, msg) => process.env.DEBUG_ES && console.log(new Date().toISOString(), msg, obj),
      },
      pollIntervalMs: 60_000,
      handle: async (events) => {
        seen.push(...events.map((e) => e.type));
      },
    });
    // An append in a caller's transaction signals only by NOTIFY, at commit.
    const appendInTransaction = async (streamId: string, type: string) => {
      const tx = await db.pool.connect();
      try {
        await tx.query('begin');
        await store.append(streamId, [event(type)], { expectedVersion: 'no_stream', client: tx });
        await tx.query('commit');
      } finally {
        tx.release();
      }
    };
    await store.append('s-notify-0', [event('Warmup')], { expectedVersion: 'no_stream' });
    await sub.start();
    try {
      await waitUntil(() => seen.includes('Warmup'));
      await sleep(100);
      let t0 = Date.now();
      await appendInTransaction('s-notify-1', 'Notified');
      await waitUntil(() => seen.includes('Notified'), 10_000);
      expect(Date.now() - t0).toBeLessThan(5_000);

      // The server ends the LISTEN connection: the subscription reconnects and is woken again.
      const { rows } = await db.pool.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'listen %'`,
      );
      expect(rows.length).toBe(1);
      await waitUntil(
        async () =>
          (
            await db.pool.query(
              `select 1 from pg_stat_activity where datname = current_database() and query ilike 'listen %'`,
            )
          ).rowCount === 1,
        10_000,
        'the listener to reconnect',
      );
      await sleep(100);
      t0 = Date.now();
      await appendInTransaction('s-notify-2', 'NotifiedAgain');
      await waitUntil(() => seen.includes('NotifiedAgain'), 10_000);
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect(warnings).toContain('listener lost; polling until it is back');
    } finally {
      await sub.stop();
    }
  }, 60_000);

  it('finishes the batch in flight when stopped, and checkpoints it', async () => {
    await store.append('s-stop', [event('Slow')], { expectedVersion: 'no_stream' });
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    let finished = false;
    const sub = new EventSubscription({
      pool: db.pool,
      subscriptionId: 'stop',
      batchSize: 10_000,
      handle: async () => {
        entered();
        await sleep(300);
        finished = true;
      },
    });
    await sub.start();
    await inHandler;
    await sub.stop();
    expect(finished).toBe(true);
    const stored = await loadCheckpoint(db.pool, 'stop');
    expect(stored).toEqual(sub.position);
    expect(stored.globalPosition).toBeGreaterThan(0n);
  });

  it('stops at once when stopped during a step, without waiting out its poll interval', async () => {
    await store.append('s-stop-fast', [event('A')], { expectedVersion: 'no_stream' });
    await sleep(200); // its wake-up has passed: nothing will cut the idle sleep after the batch short
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    const sub = new EventSubscription({
      pool: db.pool,
      subscriptionId: 'stop-fast',
      pollIntervalMs: 60_000,
      batchSize: 10_000,
      handle: async () => {
        entered();
        await sleep(100);
      },
    });
    await sub.start();
    await inHandler;
    const t0 = Date.now();
    await sub.stop();
    expect(Date.now() - t0).toBeLessThan(5_000);
  }, 30_000);

  it('lets one replica at a time hold a subscription', async () => {
    await store.append('s-replicas', [event('A')], { expectedVersion: 'no_stream' });
    const a = new EventSubscription({
      pool: db.pool,
      subscriptionId: 'replicas',
      handle: projectInto('replicas'),
    });
    const other = await db.pool.connect();
    try {
      await loadCheckpoint(db.pool, 'replicas');
      await other.query('begin');
      await other.query("select * from es.checkpoints where subscription_id = 'replicas' for update");
      await waitUntil(async () => (await store.readAll(a.position, 1)).length > 0);
      expect(await a.step()).toBeNull();
      expect(await projected('replicas')).toEqual([]);
      await other.query('rollback');
    } finally {
      other.release();
    }
    await waitUntil(async () => ((await a.step())?.handled ?? 0) > 0);
    expect((await projected('replicas')).length).toBeGreaterThan(0);
  });

  it('two running replicas of one subscription project every event exactly once', async () => {
    const handled: string[] = [];
    const make = () =>
      new EventSubscription({
        pool: db.pool,
        subscriptionId: 'pair',
        batchSize: 3,
        pollIntervalMs: 20,
        handle: async (events, client) => {
          handled.push(...events.map((e) => e.eventId));
          await projectInto('pair')(events, client);
        },
      });
    const [x, y] = [make(), make()];
    await Promise.all([x.start(), y.start()]);
    try {
      for (let i = 0; i < 10; i++)
        await store.append(`s-pair-${i}`, [event('P'), event('Q')], { expectedVersion: 'no_stream' });
      await waitUntil(async () => (await projected('pair')).length === (await total()));
    } finally {
      await Promise.all([x.stop(), y.stop()]);
    }
    expect(handled.length).toBe(await total());
    expect(new Set(handled).size).toBe(handled.length);
  });
});
