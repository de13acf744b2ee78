import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { jetstream, jetstreamManager, type JetStreamManager, type StoredMsg } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { testNatsConnection, uniqueName, type TestDatabase } from '@parking/testing';
import { loadCheckpoint, resetCheckpoint } from './checkpoints.js';
import { OutboxPublisher, type OutboxPublisherOptions, type StreamFold } from './outbox.js';
import { PostgresEventStore } from './postgres-event-store.js';
import { event, eventStoreDatabase, OPERATOR, sleep, waitUntil } from './test-support.test-helpers.js';
import { START, type RecordedEvent } from './types.js';

describe('OutboxPublisher', () => {
  let db: TestDatabase;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let store: PostgresEventStore;
  const streams: string[] = [];

  beforeAll(async () => {
    db = await eventStoreDatabase();
    store = new PostgresEventStore(db.pool);
    nc = await testNatsConnection();
    jsm = await jetstreamManager(nc);
  });
  afterAll(async () => {
    for (const s of streams) await jsm.streams.delete(s).catch(() => {});
    await nc.close();
    await db.drop();
  });

  /** A JetStream stream of its own (as libs/messaging makes PARKING), and a publisher of one test's streams into it. */
  async function setUp(tag: string, options: Partial<OutboxPublisherOptions> = {}) {
    const name = uniqueName(`OUTBOX_${tag}`).toUpperCase();
    const root = uniqueName(`outbox_${tag}`);
    await jsm.streams.add({ name, subjects: [`${root}.>`], duplicate_window: nanos(10 * 60 * 1000) });
    streams.push(name);
    const make = () =>
      new OutboxPublisher({
        pool: db.pool,
        js: jetstream(nc),
        subscriptionId: `outbox-${tag}`,
        pollIntervalMs: 100,
        // Only this test's streams, and never the internal events.
        toMessage: (e: RecordedEvent) =>
          e.streamId.startsWith(`${tag}-`) && e.type !== 'Internal'
            ? { subject: `${root}.${e.type}`, data: e.data }
            : null,
        ...options,
      });
    const messages = async (): Promise<StoredMsg[]> => {
      const info = await jsm.streams.info(name);
      const out: StoredMsg[] = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
        const m = await jsm.streams.getMessage(name, { seq });
        if (m) out.push(m);
      }
      return out;
    };
    return { make, messages, root };
  }

  /** Steps by hand until the outbox has nothing left it can read (other suites' transactions may hold it back). */
  async function drain(outbox: Pick<OutboxPublisher, 'step'>) {
    await waitUntil(async () => {
      const r = await outbox.step();
      return r !== null && r.handled === 0 && !r.pending;
    });
  }

  it('publishes in commit order with Nats-Msg-Id = event id, the headers and the data', async () => {
    const { make, messages, root } = await setUp('order');
    await store.append(
      'order-1',
      [
        event(
          'Placed',
          { n: 1 },
          { correlationId: 'corr-1', causationId: 'cause-1', actor: { kind: 'system' } },
        ),
        event('Internal'),
        { ...event('Shipped', { n: 2 }), schemaVersion: 3 },
      ],
      { expectedVersion: 'no_stream' },
    );
    const outbox = make();
    await drain(outbox);
    await outbox.stop();
    const published = await messages();
    expect(published.map((m) => m.subject)).toEqual([`${root}.Placed`, `${root}.Shipped`]);
    const recorded = await store.readStream('order-1');
    const [placed, shipped] = published;
    expect(placed.header.get('Nats-Msg-Id')).toBe(recorded[0].eventId);
    expect(shipped.header.get('Nats-Msg-Id')).toBe(recorded[2].eventId);
    expect(placed.header.get('x-event-type')).toBe('Placed');
    expect(placed.header.get('x-operator-id')).toBe(OPERATOR);
    expect(placed.header.get('x-stream-id')).toBe('order-1');
    expect(placed.header.get('x-stream-version')).toBe('1');
    expect(placed.header.get('x-schema-version')).toBe('1');
    expect(placed.header.get('x-correlation-id')).toBe('corr-1');
    expect(placed.header.get('x-causation-id')).toBe('cause-1');
    expect(shipped.header.get('x-stream-version')).toBe('3');
    expect(shipped.header.get('x-schema-version')).toBe('3');
    expect(placed.json()).toEqual({ n: 1 });
    expect(outbox.position).toEqual({
      transactionId: recorded[2].transactionId,
      globalPosition: recorded[2].globalPosition,
    });
    expect(await outbox.lag()).toBe(0);
  });

  it('publishes an out-of-order commit in commit order', async () => {
    const { make, messages, root } = await setUp('race');
    const a = await db.pool.connect();
    await a.query('begin');
    await store.append('race-a', [event('FromA')], { expectedVersion: 'no_stream', client: a });
    await store.append('race-b', [event('FromB')], { expectedVersion: 'no_stream' });
    const outbox = make();
    await outbox.step();
    expect(await messages()).toEqual([]);
    await a.query('commit');
    a.release();
    await drain(outbox);
    await outbox.stop();
    expect((await messages()).map((m) => m.subject)).toEqual([`${root}.FromA`, `${root}.FromB`]);
  });

  it('re-publishes after a crash before its checkpoint, and JetStream keeps each event once', async () => {
    const { make, messages } = await setUp('crash');
    await store.append('crash-1', [event('Placed'), event('Paid')], { expectedVersion: 'no_stream' });
    const first = make();
    await drain(first);
    await first.stop();
    const published = await messages();
    expect(published).toHaveLength(2);
    // As if killed between the acks and the checkpoint: the position is back where it was.
    await resetCheckpoint(db.pool, 'outbox-crash', START);
    const second = make();
    let republished = 0;
    await waitUntil(async () => {
      const r = await second.step();
      republished += r?.handled ?? 0;
      return r !== null && r.handled === 0 && !r.pending;
    });
    await second.stop();
    expect(republished).toBeGreaterThanOrEqual(2);
    const after = await messages();
    expect(after.map((m) => m.header.get('Nats-Msg-Id'))).toEqual(
      published.map((m) => m.header.get('Nats-Msg-Id')),
    );
    expect(after.map((m) => m.seq)).toEqual(published.map((m) => m.seq));
  });

  it('moves its checkpoint past internal events it does not publish', async () => {
    const { make, messages } = await setUp('internal');
    const r = await store.append('internal-1', [event('Internal'), event('Internal')], {
      expectedVersion: 'no_stream',
    });
    const outbox = make();
    await drain(outbox);
    await outbox.stop();
    expect(await messages()).toEqual([]);
    const stored = await loadCheckpoint(db.pool, 'outbox-internal');
    const last = r.events[1];
    const atOrPast =
      stored.transactionId > last.transactionId ||
      (stored.transactionId === last.transactionId && stored.globalPosition >= last.globalPosition);
    expect(atOrPast).toBe(true);
    expect(await outbox.lag()).toBe(0);
  });

  it('running, publishes an append soon after its commit, and reports its lag', async () => {
    const { make, messages } = await setUp('live', { pollIntervalMs: 60_000 });
    const outbox = make();
    await outbox.start();
    try {
      expect(outbox.isRunning()).toBe(true);
      await sleep(200);
      const t0 = Date.now();
      await store.append('live-1', [event('Happened')], { expectedVersion: 'no_stream' });
      await waitUntil(async () => (await messages()).length === 1, 10_000);
      expect(Date.now() - t0).toBeLessThan(5_000);
      await waitUntil(async () => (await outbox.lag()) === 0);
    } finally {
      await outbox.stop();
    }
    expect(outbox.isRunning()).toBe(false);
    // Stopped: what is appended now waits, and counts as lag.
    await store.append('live-2', [event('Happened')], { expectedVersion: 'no_stream' });
    expect(await outbox.lag()).toBe(1);
  });

  it('lets one replica publish at a time', async () => {
    const { make } = await setUp('lead');
    const [x, y] = [make(), make()];
    try {
      expect(await x.step()).not.toBeNull();
      expect(await y.step()).toBeNull();
      await x.stop();
      expect(await y.step()).not.toBeNull();
    } finally {
      await Promise.all([x.stop(), y.stop()]);
    }
  });

  it('keeps its checkpoint when JetStream refuses a publish', async () => {
    // No stream listens on this subject: the publish is not acknowledged.
    const outbox = new OutboxPublisher({
      pool: db.pool,
      js: jetstream(nc, { timeout: 1_000 }),
      subscriptionId: 'outbox-refused',
      toMessage: (e) =>
        e.streamId === 'refused-1' ? { subject: uniqueName('nowhere'), data: e.data } : null,
    });
    await store.append('refused-1', [event('Lost')], { expectedVersion: 'no_stream' });
    try {
      await waitUntil(async () => {
        try {
          await outbox.step();
          return false;
        } catch {
          return true;
        }
      });
    } finally {
      await outbox.stop();
    }
    const stored = await loadCheckpoint(db.pool, 'outbox-refused');
    const [lost] = await store.readStream('refused-1');
    expect(stored.transactionId < lost.transactionId).toBe(true);
  });

  it("parents the publish span to the event's stored trace context and sends the span's context on", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    trace.setGlobalTracerProvider(provider);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      const { make, messages } = await setUp('trace');
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const parentSpanId = '00f067aa0ba902b7';
      await store.append(
        'trace-1',
        [event('Traced', {}, { traceparent: `00-${traceId}-${parentSpanId}-01`, tracestate: 'vendor=x' })],
        { expectedVersion: 'no_stream' },
      );
      const outbox = make();
      await drain(outbox);
      await outbox.stop();
      const [message] = await messages();
      const span = exporter.getFinishedSpans().find((s) => s.name.startsWith('outbox publish'))!;
      expect(span.spanContext().traceId).toBe(traceId);
      expect(span.parentSpanContext?.spanId).toBe(parentSpanId);
      expect(message.header.get('traceparent')).toBe(`00-${traceId}-${span.spanContext().spanId}-01`);
      expect(message.header.get('tracestate')).toBe('vendor=x');
    } finally {
      trace.disable();
      propagation.disable();
    }
  });

  describe('with a fold', () => {
    // A tally per stream: each message carries the sum of the stream's `n`s up to its event.
    type Tally = { total: number; seen: number[] };
    const tally: StreamFold<Tally> = {
      streamType: 'tally',
      initialState: () => ({ total: 0, seen: [] }),
      evolve: (s, e) => ({
        total: s.total + (e.data as { n: number }).n,
        seen: [...s.seen, e.streamVersion],
      }),
    };

    /** A folding publisher with its own store (whose stream reads are counted), and what it built. */
    async function folding(tag: string) {
      const { root, messages } = await setUp(tag);
      const reader = new PostgresEventStore(db.pool);
      const reads = jest.spyOn(reader, 'readStream');
      const built: { streamId: string; version: number; state: Tally | undefined }[] = [];
      const make = () =>
        new OutboxPublisher<Tally>({
          pool: db.pool,
          js: jetstream(nc),
          subscriptionId: `outbox-${tag}`,
          store: reader,
          fold: tally,
          toMessage: (e, state) => {
            if (!e.streamId.startsWith(`tally-${tag}`) && !e.streamId.startsWith(`other-${tag}`)) return null;
            built.push({ streamId: e.streamId, version: e.streamVersion, state });
            return { subject: `${root}.${e.type}`, data: { total: state?.total ?? null } };
          },
        });
      return { make, messages, reads, built };
    }
    const n = (value: number) => event('Counted', { n: value });
    const totalsOf = (built: { streamId: string; state: Tally | undefined }[], streamId: string) =>
      built.filter((b) => b.streamId === streamId).map((b) => b.state?.total);

    it('builds each message from the state after its event, across batches and restarts, reading no stream', async () => {
      const { make, messages, reads, built } = await folding('fold');
      await store.append('tally-fold-1', [n(1), n(2)], { expectedVersion: 'no_stream' });
      await store.append('tally-fold-2', [n(10)], { expectedVersion: 'no_stream' });
      await store.append('other-fold-1', [n(5)], { expectedVersion: 'no_stream' });
      const first = make();
      await drain(first);
      await first.stop();
      // A new publisher (a restart) goes on from the stored states.
      await store.append('tally-fold-1', [n(3)], { expectedVersion: 2 });
      await store.append('tally-fold-2', [n(20)], { expectedVersion: 1 });
      await store.append('tally-fold-1', [n(4)], { expectedVersion: 3 });
      const second = make();
      await drain(second);
      await second.stop();
      expect(totalsOf(built, 'tally-fold-1')).toEqual([1, 3, 6, 10]);
      expect(totalsOf(built, 'tally-fold-2')).toEqual([10, 30]);
      // Streams of another type are not folded.
      expect(totalsOf(built, 'other-fold-1')).toEqual([undefined]);
      expect((await messages()).map((m) => m.json<{ total: number | null }>().total)).toEqual([
        1,
        3,
        10,
        null,
        6,
        30,
        10,
      ]);
      expect(reads).not.toHaveBeenCalled();
      const { rows } = await db.pool.query(
        `select stream_id, version, state from es.outbox_states where subscription_id = 'outbox-fold' order by 1`,
      );
      expect(rows).toEqual([
        { stream_id: 'tally-fold-1', version: 4, state: { total: 10, seen: [1, 2, 3, 4] } },
        { stream_id: 'tally-fold-2', version: 2, state: { total: 30, seen: [1, 2] } },
      ]);
    });

    it('folds a stream begun before the outbox folded, and versions committed out of order, exactly', async () => {
      const { make, reads, built } = await folding('late');
      // Published before the outbox folded: only its checkpoint moved past them.
      const early = await store.append('tally-late-1', [n(1), n(2)], { expectedVersion: 'no_stream' });
      await resetCheckpoint(db.pool, 'outbox-late', early.events[1]);
      await store.append('tally-late-1', [n(3)], { expectedVersion: 2 });
      // Version 5 commits with an older transaction id than version 4: the reader returns 5 first.
      const a = await db.pool.connect();
      try {
        await a.query('begin');
        await store.append('tally-late-2', [n(100)], { expectedVersion: 'no_stream', client: a });
        await store.append('tally-late-1', [n(4)], { expectedVersion: 3 });
        await store.append('tally-late-1', [n(5)], { expectedVersion: 4, client: a });
        await a.query('commit');
      } finally {
        a.release();
      }
      const outbox = make();
      await drain(outbox);
      await outbox.stop();
      expect(built.filter((b) => b.streamId === 'tally-late-1').map((b) => [b.version, b.state])).toEqual([
        [3, { total: 6, seen: [1, 2, 3] }],
        [5, { total: 15, seen: [1, 2, 3, 4, 5] }],
        [4, { total: 10, seen: [1, 2, 3, 4] }],
      ]);
      // Reads only for those: versions 1–2 before 3, and 4 before 5 (which also gives 4's state).
      expect(reads).toHaveBeenCalledTimes(2);
    });

    it('after a crash before its checkpoint, builds the same messages again', async () => {
      const { make, built } = await folding('refold');
      await store.append('tally-refold-1', [n(1), n(2), n(3)], { expectedVersion: 'no_stream' });
      const first = make();
      await drain(first);
      await first.stop();
      const once = built.splice(0);
      await resetCheckpoint(db.pool, 'outbox-refold', START);
      const second = make();
      await drain(second);
      await second.stop();
      expect(built).toEqual(once);
    });
  });
});
