// End to end through both mechanisms: the outbox publisher is "killed" after publishing but before its
// checkpoint, re-publishes on restart, and the consumer still applies each event exactly once —
// JetStream's duplicate window drops the repeat, and the inbox would catch one that got through.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  OutboxPublisher,
  PostgresEventStore,
  START,
  eventStoreMigrations,
  resetCheckpoint,
  runMigrations,
} from '@parking/event-store';
import { testDatabase, testNatsConnection, uniqueName, type TestDatabase } from '@parking/testing';
import { DurableConsumer } from './consumer.js';
import { messagingMigrations } from './migrations.js';

async function waitUntil(check: () => Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('outbox → JetStream → consumer, across a publisher crash', () => {
  let producerDb: TestDatabase;
  let consumerDb: TestDatabase;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let stream: string;
  let root: string;

  beforeAll(async () => {
    producerDb = await testDatabase('prod');
    consumerDb = await testDatabase('cons');
    await runMigrations(producerDb.pool, eventStoreMigrations);
    await runMigrations(consumerDb.pool, [...eventStoreMigrations, ...messagingMigrations]);
    await consumerDb.pool.query('create table applied (event_id uuid, n int)');
    nc = await testNatsConnection();
    jsm = await jetstreamManager(nc);
    stream = uniqueName('XO').toUpperCase();
    root = uniqueName('xo');
    await jsm.streams.add({ name: stream, subjects: [`${root}.>`], duplicate_window: nanos(10 * 60 * 1000) });
  });
  afterAll(async () => {
    await jsm.streams.delete(stream);
    await nc.close();
    await producerDb.drop();
    await consumerDb.drop();
  });

  it('applies every event exactly once', async () => {
    const store = new PostgresEventStore(producerDb.pool);
    for (let n = 1; n <= 5; n++) {
      await store.append(`thing-${n}`, [{ type: 'Happened', data: { n }, metadata: { operatorId: 'op' } }], {
        expectedVersion: 'no_stream',
      });
    }
    const outbox = () =>
      new OutboxPublisher({
        pool: producerDb.pool,
        js: jetstream(nc),
        subscriptionId: 'outbox',
        toMessage: (e) => ({ subject: `${root}.${e.type}`, data: e.data }),
      });
    // Steps until nothing is left it can read: other suites' open transactions (xids are cluster-wide)
    // can hold the reader back for a while.
    const drain = async (publisher: OutboxPublisher) => {
      let handled = 0;
      await waitUntil(async () => {
        const r = await publisher.step();
        handled += r?.handled ?? 0;
        return r !== null && r.handled === 0 && !r.pending && handled > 0;
      }, 20_000);
      return handled;
    };
    const first = outbox();
    expect(await drain(first)).toBe(5);
    await first.stop();
    // Killed between the acks and the checkpoint: it starts again from the beginning.
    await resetCheckpoint(producerDb.pool, 'outbox', START);
    const second = outbox();
    expect(await drain(second)).toBe(5);
    await second.stop();

    const consumer = new DurableConsumer({
      nc,
      pool: consumerDb.pool,
      stream,
      durable: uniqueName('xo'),
      filterSubject: `${root}.>`,
      handle: async (event, tx) => {
        await tx.query('insert into applied values ($1, $2)', [
          event.eventId,
          (event.data as { n: number }).n,
        ]);
      },
    });
    await consumer.start();
    await waitUntil(async () => (await consumer.lag()) === 0);
    await consumer.stop();
    const { rows } = await consumerDb.pool.query('select n from applied order by n');
    expect(rows.map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
  }, 30_000);
});
