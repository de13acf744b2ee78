// The outbox publisher: tails this service's events in commit order into JetStream, with Nats-Msg-Id =
// event id, and moves its checkpoint only after every publish of the batch is acknowledged. A crash in
// between re-publishes the batch; JetStream's duplicate window drops the repeats. Publishing happens
// outside any database transaction (a transaction held open across NATS round trips would hold back
// every reader's snapshot horizon); one replica publishes at a time, holding an advisory lock on a
// dedicated connection.
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

export interface OutboxPublisherOptions {
  pool: pg.Pool;
  js: JetStreamClient;
  /** The integration message of an event, or null for an internal event (skipped, checkpoint still moves). */
  toMessage: (event: RecordedEvent) => OutboundMessage | null | Promise<OutboundMessage | null>;
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

export class OutboxPublisher {
  private readonly loop: CatchUpLoop;
  private readonly store: PostgresEventStore;
  private readonly subscriptionId: string;
  private leader: pg.Client | null = null;
  private current: Checkpoint = START;
  private lagTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: OutboxPublisherOptions) {
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
    await this.publishAll(events);
    const to = positionOf(events[events.length - 1]);
    await storeCheckpoint(this.options.pool, this.subscriptionId, to);
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

  /** Publishes with up to maxInFlight acks outstanding; resolves when all are acked, throws if any failed. */
  private async publishAll(events: RecordedEvent[]): Promise<void> {
    const maxInFlight = this.options.maxInFlight ?? 256;
    const inFlight = new Set<Promise<void>>();
    const failures: unknown[] = [];
    for (const event of events) {
      if (failures.length) break;
      const message = await this.options.toMessage(event);
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
