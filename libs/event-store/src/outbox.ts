// The outbox publisher: tails this service's events in commit order into JetStream, with Nats-Msg-Id =
// event id, and moves its checkpoint only after every publish of the batch is acknowledged. A crash in
// between re-publishes the batch; JetStream's duplicate window drops the repeats. Publishing happens
// outside any database transaction (a transaction held open across NATS round trips would hold back
// every reader's snapshot horizon); one replica publishes at a time, holding an advisory lock on a
// dedicated connection.
// A message that must describe the stream's whole state (a snapshot) gets it from `fold`: the outbox
// keeps each folded stream's state after its last published event (es.outbox_states, stored with the
// checkpoint in one statement) and evolves it by the events it publishes, so it reads no stream back.
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { JetStreamClient } from '@nats-io/jetstream';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { HEADERS } from '@parking/contracts';
import pg from 'pg';
import { CatchUpLoop, silentLogger, type LoopLogger, type StepResult } from './catch-up-loop.js';
import { loadCheckpoint, positionOf, storeCheckpoint } from './checkpoints.js';
import { outboxLag, outboxPublishedTotal } from './metrics.js';
import { PostgresEventStore } from './postgres-event-store.js';
import { START, type Checkpoint, type RecordedEvent } from './types.js';

export interface OutboundMessage {
  subject: string;
  data: unknown;
  /** The integration event type (x-event-type); default: the subject's last segment. */
  type?: string;
  /** The integration event's schema version (x-schema-version); default: the stored event's. */
  schemaVersion?: number;
}

/** How the outbox folds the streams of one type, so each of their messages can be built from the state. */
export interface StreamFold<S> {
  streamType: string;
  initialState: () => S;
  /** Pure; the state is stored as JSON between batches, so it must survive JSON.stringify/parse. */
  evolve: (state: S, event: RecordedEvent) => S;
}

export interface OutboxPublisherOptions<S = never> {
  pool: pg.Pool;
  js: JetStreamClient;
  /**
   * The integration message of an event, or null for an internal event (skipped, checkpoint still
   * moves). With `fold`, an event of the folded stream type comes with its stream's state after it.
   */
  toMessage: (
    event: RecordedEvent,
    stateAfter: S | undefined,
  ) => OutboundMessage | null | Promise<OutboundMessage | null>;
  fold?: StreamFold<S>;
  subscriptionId?: string;
  batchSize?: number;
  maxInFlight?: number;
  pollIntervalMs?: number;
  notifyChannel?: string;
  logger?: LoopLogger;
  /** The store to read with (for its upcasters); default: a plain one on `pool`. */
  store?: PostgresEventStore;
}

const tracer = trace.getTracer('event-store');

type Folded<S> = { version: number; state: S };

export class OutboxPublisher<S = never> {
  private readonly loop: CatchUpLoop;
  private readonly store: PostgresEventStore;
  private readonly subscriptionId: string;
  private leader: pg.Client | null = null;
  private current: Checkpoint = START;
  private lagTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: OutboxPublisherOptions<S>) {
    this.store =
      options.store ?? new PostgresEventStore(options.pool, { notifyChannel: options.notifyChannel });
    this.subscriptionId = options.subscriptionId ?? 'outbox';
    this.loop = new CatchUpLoop({
      name: this.subscriptionId,
      pool: options.pool,
      channel: options.notifyChannel ?? this.store.notifyChannel,
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
      step: () => this.step(),
      logger: options.logger ?? silentLogger,
    });
  }

  /** The last checkpoint this instance read or stored. */
  get position(): Checkpoint {
    return this.current;
  }

  isRunning(): boolean {
    return this.loop.isRunning();
  }

  async start(): Promise<void> {
    await this.loop.start();
    // The gauge between steps: how far behind the outbox is, whichever replica leads.
    this.lagTimer ??= setInterval(() => void this.lag().catch(() => {}), 5_000);
    this.lagTimer.unref();
  }

  /** Finishes the batch in flight (publishes and checkpoint), then stops and gives up the lead. */
  async stop(): Promise<void> {
    if (this.lagTimer) clearInterval(this.lagTimer);
    this.lagTimer = null;
    await this.loop.stop();
    const leader = this.leader;
    this.leader = null;
    await leader?.end().catch(() => {});
  }

  /** Events after the outbox's checkpoint (published-to-be or internal); also sets the gauge. */
  async lag(): Promise<number> {
    const n = await this.store.countAfter(await loadCheckpoint(this.options.pool, this.subscriptionId));
    outboxLag.set(n);
    return n;
  }

  /** Publishes one batch; exposed for tests. Null when another replica is the publisher. */
  async step(): Promise<StepResult | null> {
    if (!(await this.lead())) return null;
    const from = await loadCheckpoint(this.options.pool, this.subscriptionId);
    const batchSize = this.options.batchSize ?? 500;
    const events = await this.store.readAll(from, batchSize);
    if (events.length === 0) {
      this.current = from;
      const pending = await this.store.hasUnreadable(from);
      if (!pending) outboxLag.set(0);
      return { handled: 0, full: false, pending };
    }
    const folded = this.options.fold ? await this.foldBatch(this.options.fold, events) : null;
    await this.publishAll(events, folded?.after);
    const to = positionOf(events[events.length - 1]);
    if (folded?.latest.size) await this.storeStatesAndCheckpoint(folded.latest, to);
    else await storeCheckpoint(this.options.pool, this.subscriptionId, to);
    this.current = to;
    return { handled: events.length, full: events.length === batchSize, pending: false };
  }

  private async lead(): Promise<boolean> {
    if (this.leader) return true;
    const client = new pg.Client({
      ...(this.options.pool as unknown as { options: pg.ClientConfig }).options,
    });
    client.on('error', (err) => {
      // The lock went with the connection: another replica may lead now.
      this.options.logger?.warn({ err, outbox: this.subscriptionId }, 'outbox lead connection lost');
      if (this.leader === client) this.leader = null;
      client.end().catch(() => {});
    });
    await client.connect();
    try {
      const { rows } = await client.query('select pg_try_advisory_lock(hashtext($1)) as locked', [
        `outbox:${this.subscriptionId}`,
      ]);
      if (!rows[0].locked) {
        await client.end();
        return false;
      }
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    this.leader = client;
    return true;
  }

  /**
   * The state after each event of the folded type (undefined for others), from the stored states of
   * the batch's streams. The usual event is the next version of its stream; events between the stored
   * state and it (a stream older than the outbox's folding, or one whose later version committed
   * first) are read from the stream, and an event already folded past (the checkpoint moved back, or
   * versions committed out of order) gets its state by reading its stream up to it. Returns the
   * newest state of every stream it moved.
   */
  private async foldBatch(
    fold: StreamFold<S>,
    events: RecordedEvent[],
  ): Promise<{ after: (S | undefined)[]; latest: Map<string, Folded<S>> }> {
    const streamIds = [
      ...new Set(events.filter((e) => e.streamType === fold.streamType).map((e) => e.streamId)),
    ];
    const stored = new Map<string, Folded<S>>();
    if (streamIds.length) {
      const { rows } = await this.options.pool.query({
        name: 'es_outbox_states',
        text: `select stream_id, version, state from es.outbox_states
               where subscription_id = $1 and stream_id = any($2::text[])`,
        values: [this.subscriptionId, streamIds],
      });
      for (const r of rows) stored.set(r.stream_id, { version: r.version, state: r.state as S });
    }
    const latest = new Map<string, Folded<S>>();
    // States passed on the way (events between), by stream and version: an event of those that comes
    // later in the batch needs no read.
    const passed = new Map<string, S>();
    const after: (S | undefined)[] = [];
    for (const event of events) {
      if (event.streamType !== fold.streamType) {
        after.push(undefined);
        continue;
      }
      const known = latest.get(event.streamId) ??
        stored.get(event.streamId) ?? { version: 0, state: fold.initialState() };
      if (event.streamVersion <= known.version) {
        const key = `${event.streamVersion}:${event.streamId}`;
        if (!passed.has(key)) {
          const history = await this.store.readStream(event.streamId, { toVersion: event.streamVersion });
          passed.set(key, history.reduce(fold.evolve, fold.initialState()));
        }
        after.push(passed.get(key));
        continue;
      }
      let state = known.state;
      if (event.streamVersion > known.version + 1) {
        const between = await this.store.readStream(event.streamId, {
          fromVersion: known.version + 1,
          toVersion: event.streamVersion - 1,
        });
        for (const e of between)
          passed.set(`${e.streamVersion}:${e.streamId}`, (state = fold.evolve(state, e)));
      }
      state = fold.evolve(state, event);
      latest.set(event.streamId, { version: event.streamVersion, state });
      after.push(state);
    }
    return { after, latest };
  }

  /** The batch's stream states and the checkpoint after it, in one statement: both or neither. */
  private async storeStatesAndCheckpoint(latest: Map<string, Folded<S>>, to: Checkpoint): Promise<void> {
    const entries = [...latest];
    await this.options.pool.query({
      name: 'es_outbox_store_states',
      text: `with states as (
               insert into es.outbox_states as o (subscription_id, stream_id, version, state)
               select $1, s.stream_id, s.version, s.state
               from unnest($4::text[], $5::int[], $6::jsonb[]) as s(stream_id, version, state)
               on conflict (subscription_id, stream_id) do update
                 set version = excluded.version, state = excluded.state
                 where o.version < excluded.version
             )
             insert into es.checkpoints as c (subscription_id, transaction_id, global_position)
             values ($1, $2::text::xid8, $3)
             on conflict (subscription_id) do update
               set transaction_id = excluded.transaction_id, global_position = excluded.global_position,
                   updated_at = now()
               where (c.transaction_id, c.global_position) < (excluded.transaction_id, excluded.global_position)`,
      values: [
        this.subscriptionId,
        to.transactionId.toString(),
        to.globalPosition.toString(),
        entries.map(([id]) => id),
        entries.map(([, f]) => f.version),
        entries.map(([, f]) => JSON.stringify(f.state)),
      ],
    });
  }

  /** Publishes with up to maxInFlight acks outstanding; resolves when all are acked, throws if any failed. */
  private async publishAll(events: RecordedEvent[], states?: (S | undefined)[]): Promise<void> {
    const maxInFlight = this.options.maxInFlight ?? 256;
    const inFlight = new Set<Promise<void>>();
    const failures: unknown[] = [];
    for (const [i, event] of events.entries()) {
      if (failures.length) break;
      const message = await this.options.toMessage(event, states?.[i]);
      if (!message) continue;
      const p: Promise<void> = this.publish(event, message)
        .catch((err) => {
          failures.push(err);
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (failures.length) throw failures[0];
  }

  private publish(event: RecordedEvent, message: OutboundMessage): Promise<void> {
    // The publish span continues the trace of the request that appended the event.
    const parent = propagation.extract(context.active(), {
      traceparent: event.metadata.traceparent,
      tracestate: event.metadata.tracestate,
    });
    const span = tracer.startSpan(`outbox publish ${message.subject}`, { kind: SpanKind.PRODUCER }, parent);
    const h = natsHeaders();
    const set = (k: string, v: unknown) => {
      if (v !== undefined && v !== null && v !== '') h.set(k, String(v));
    };
    set(HEADERS.eventType, message.type ?? message.subject.split('.').pop());
    set(HEADERS.streamId, event.streamId);
    set(HEADERS.streamVersion, event.streamVersion);
    set(HEADERS.schemaVersion, message.schemaVersion ?? event.schemaVersion);
    set(HEADERS.operatorId, event.metadata.operatorId);
    set(HEADERS.correlationId, event.metadata.correlationId);
    set(HEADERS.causationId, event.metadata.causationId);
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(parent, span), carrier);
    // Without a tracing SDK nothing is injected: pass the stored context on unchanged.
    set(HEADERS.traceparent, carrier.traceparent ?? event.metadata.traceparent);
    set(HEADERS.tracestate, carrier.tracestate ?? event.metadata.tracestate);
    return this.options.js
      .publish(message.subject, JSON.stringify(message.data), { msgID: event.eventId, headers: h })
      .then(
        () => {
          outboxPublishedTotal.inc();
        },
        (err) => {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
          throw err;
        },
      )
      .finally(() => span.end());
  }
}
