import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders, nanos, type NatsConnection } from '@nats-io/transport-node';
import { eventStoreMigrations, runMigrations } from '@parking/event-store';
import { testDatabase, testNatsConnection, uniqueName, type TestDatabase } from '@parking/testing';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { DurableConsumer } from './consumer.js';
import { markDeadLettersForReplay } from './dead-letters.js';
import { messagingMigrations } from './migrations.js';
import type { ConsumedEvent } from './types.js';

async function waitUntil(check: () => Promise<boolean> | boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('DurableConsumer', () => {
  let db: TestDatabase;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let stream: string;
  let root: string;

  beforeAll(async () => {
    db = await testDatabase('msg');
    await runMigrations(db.pool, [...eventStoreMigrations, ...messagingMigrations]);
    await db.pool.query('create table effects (event_id uuid, consumer text, n int)');
    nc = await testNatsConnection();
    jsm = await jetstreamManager(nc);
    stream = uniqueName('MSG').toUpperCase();
    root = uniqueName('msg');
    // A tiny duplicate window, so the same event id can be delivered again, as after a lost ack.
    await jsm.streams.add({ name: stream, subjects: [`${root}.>`], duplicate_window: nanos(100) });
  });
  afterAll(async () => {
    await jsm.streams.delete(stream);
    await nc.close();
    await db.drop();
  });

  async function publish(subject: string, data: unknown, eventId = randomUUID()) {
    const h = natsHeaders();
    h.set('x-operator-id', 'op-1');
    h.set('x-stream-id', 'thing-1');
    h.set('x-stream-version', '1');
    await jetstream(nc).publish(`${root}.${subject}`, JSON.stringify(data), { msgID: eventId, headers: h });
    return eventId;
  }

  const effects = async (consumer: string) =>
    (await db.pool.query('select event_id, n from effects where consumer = $1 order by n', [consumer])).rows;

  it('applies an event once even when it is delivered again', async () => {
    const durable = uniqueName('once');
    const seen: ConsumedEvent[] = [];
    const consumer = new DurableConsumer({
      nc,
      pool: db.pool,
      stream,
      durable,
      filterSubject: `${root}.once.>`,
      handle: async (event, tx) => {
        seen.push(event);
        await tx.query('insert into effects values ($1, $2, $3)', [
          event.eventId,
          durable,
          (event.data as { n: number }).n,
        ]);
      },
    });
    await consumer.start();
    const id = await publish('once.Happened', { n: 1 });
    await new Promise((r) => setTimeout(r, 150)); // past the duplicate window
    await publish('once.Happened', { n: 1 }, id);
    await publish('once.Happened', { n: 2 });
    await waitUntil(async () => (await consumer.lag()) === 0 && seen.length >= 2);
    await consumer.stop();
    expect((await effects(durable)).map((r) => r.n)).toEqual([1, 2]);
    expect(seen[0]).toMatchObject({ operatorId: 'op-1', streamId: 'thing-1', streamVersion: 1, eventId: id });
  }, 20_000);

  it('handles events in stream order with one in flight', async () => {
    const durable = uniqueName('order');
    const consumer = new DurableConsumer({
      nc,
      pool: db.pool,
      stream,
      durable,
      filterSubject: `${root}.order.>`,
      maxAckPending: 1,
      handle: async (event, tx) => {
        await new Promise((r) => setTimeout(r, Math.random() * 5));
        await tx.query('insert into effects values ($1, $2, $3)', [
          event.eventId,
          durable,
          (event.data as { n: number }).n,
        ]);
      },
    });
    for (let n = 1; n <= 10; n++) await publish('order.Happened', { n });
    await consumer.start();
    await waitUntil(async () => (await effects(durable)).length === 10);
    await consumer.stop();
    const { rows } = await db.pool.query('select n from effects where consumer = $1 order by ctid', [
      durable,
    ]);
    expect(rows.map((r) => r.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  }, 20_000);

  it('retries a failing handler and dead-letters the event after its last delivery, then moves on', async () => {
    const durable = uniqueName('dead');
    let attempts = 0;
    const consumer = new DurableConsumer({
      nc,
      pool: db.pool,
      stream,
      durable,
      filterSubject: `${root}.dead.>`,
      maxDeliver: 3,
      handle: async (event, tx) => {
        if ((event.data as { n: number }).n === 1) {
          attempts++;
          throw new Error('cannot handle this one');
        }
        await tx.query('insert into effects values ($1, $2, $3)', [event.eventId, durable, 2]);
      },
    });
    await consumer.start();
    const bad = await publish('dead.Happened', { n: 1 });
    await publish('dead.Happened', { n: 2 });
    await waitUntil(async () => (await effects(durable)).length === 1, 20_000);
    await consumer.stop();
    expect(attempts).toBe(3);
    const { rows } = await db.pool.query('select * from messaging.dead_letters where consumer = $1', [
      durable,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ event_id: bad, deliveries: 3 });
    expect(rows[0].error).toContain('cannot handle this one');
    // The failed attempts left nothing behind.
    expect(
      (await db.pool.query('select count(*)::int as n from messaging.inbox where event_id = $1', [bad]))
        .rows[0].n,
    ).toBe(0);
  }, 30_000);

  it('finishes the event in hand when stopped, and re-applies nothing after a restart', async () => {
    const durable = uniqueName('drain');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = false;
    const make = () =>
      new DurableConsumer({
        nc,
        pool: db.pool,
        stream,
        durable,
        filterSubject: `${root}.drain.>`,
        handle: async (event, tx) => {
          started = true;
          await gate;
          await tx.query('insert into effects values ($1, $2, $3)', [event.eventId, durable, 1]);
        },
      });
    const consumer = make();
    await consumer.start();
    await publish('drain.Happened', { n: 1 });
    await waitUntil(() => started);
    const stopping = consumer.stop();
    release();
    await stopping;
    expect(await effects(durable)).toHaveLength(1);
    const again = make();
    await again.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(await again.lag()).toBe(0);
    await again.stop();
    expect(await effects(durable)).toHaveLength(1);
  }, 20_000);

  it('puts an event back when pool.connect() fails with several in flight: no unhandled rejection, nothing lost', async () => {
    const durable = uniqueName('connect');
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    let failures = 0;
    // The database is away for the first 8 connection attempts (a failover), then back.
    const flaky = {
      connect: () => (failures++ < 8 ? Promise.reject(new Error('connect ECONNREFUSED')) : db.pool.connect()),
      query: (...args: unknown[]) => (db.pool.query as (...a: unknown[]) => unknown)(...args),
    } as unknown as pg.Pool;
    const consumer = new DurableConsumer({
      nc,
      pool: flaky,
      stream,
      durable,
      filterSubject: `${root}.connect.>`,
      concurrency: 4,
      handle: async (event, tx) => {
        await tx.query('insert into effects values ($1, $2, $3)', [
          event.eventId,
          durable,
          (event.data as { n: number }).n,
        ]);
      },
    });
    try {
      for (let n = 1; n <= 6; n++) await publish('connect.Happened', { n });
      await consumer.start();
      await waitUntil(async () => (await effects(durable)).length === 6, 20_000);
      await new Promise((r) => setTimeout(r, 100));
      expect(unhandled).toEqual([]);
      expect(consumer.isRunning()).toBe(true);
      expect((await effects(durable)).map((r) => r.n).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      await consumer.stop();
      process.off('unhandledRejection', onUnhandled);
    }
  }, 30_000);

  it('keeps retrying for its retry time, dead-letters after it, and handles the letter again on replay', async () => {
    const durable = uniqueName('replay');
    let broken = true;
    let attempts = 0;
    const consumer = new DurableConsumer({
      nc,
      pool: db.pool,
      stream,
      durable,
      filterSubject: `${root}.replay.>`,
      // 200 ms doubling: deliveries at about 0, 0.4 and 1.2 s fit in 1.5 s; the third is the last.
      retryForMs: 1_500,
      replayIntervalMs: 100,
      handle: async (event, tx) => {
        attempts++;
        if (broken) throw new Error('a neighbour is down');
        await tx.query('insert into effects values ($1, $2, $3)', [event.eventId, durable, 1]);
      },
    });
    await consumer.start();
    try {
      const id = await publish('replay.Happened', { n: 1 });
      await waitUntil(
        async () =>
          (await db.pool.query('select 1 from messaging.dead_letters where consumer = $1', [durable]))
            .rowCount === 1,
        20_000,
      );
      expect(attempts).toBe(3);
      broken = false;
      expect(await markDeadLettersForReplay(db.pool, durable)).toBe(1);
      await waitUntil(async () => (await effects(durable)).length === 1, 10_000);
      const { rows } = await db.pool.query('select * from messaging.dead_letters where consumer = $1', [
        durable,
      ]);
      expect(rows[0]).toMatchObject({ event_id: id });
      expect(rows[0].resolved_at).not.toBeNull();
      // Replayed once: marking again finds nothing unresolved.
      expect(await markDeadLettersForReplay(db.pool, durable)).toBe(0);
    } finally {
      await consumer.stop();
    }
  }, 30_000);
});
