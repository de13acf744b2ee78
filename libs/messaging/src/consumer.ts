// A durable JetStream pull consumer with explicit acks. Each event is handled in one PostgreSQL
// transaction together with its inbox row, so a redelivered event changes nothing; a handler that keeps
// failing is retried with growing delays (up to 5 minutes apart) for up to 24 hours by default
// (CONSUMER_RETRY_HOURS), so that a database failover or a long outage of a neighbour loses nothing, and
// only then lands in the dead-letter table (logged, counted), never silently dropped. Dead letters are
// handled again when an operator asks (`npm run replay-dead-letters -- <service>`, see replayDeadLetters).
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { context as otelContext, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { HEADERS } from '@parking/contracts';
import type pg from 'pg';
import client from 'prom-client';
import { PARKING_STREAM, quietLogger, type MessagingLogger } from './nats.js';
import { extractTraceContext } from './trace-headers.js';
import type { ConsumedEvent } from './types.js';

function once<T>(name: string, make: () => T): T {
  return (client.register.getSingleMetric(name) as T | undefined) ?? make();
}
const consumed = once(
  'messaging_consumed_total',
  () =>
    new client.Counter({
      name: 'messaging_consumed_total',
      help: 'Events consumed',
      labelNames: ['consumer', 'outcome'],
    }),
);
const deadLetters = once(
  'messaging_dead_letters_total',
  () =>
    new client.Counter({
      name: 'messaging_dead_letters_total',
      help: 'Events dead-lettered',
      labelNames: ['consumer'],
    }),
);
const handleDuration = once(
  'messaging_handle_duration_seconds',
  () =>
    new client.Histogram({
      name: 'messaging_handle_duration_seconds',
      help: 'Time to handle one event',
      labelNames: ['consumer'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    }),
);
const redeliveries = once(
  'messaging_redeliveries_total',
  () =>
    new client.Counter({
      name: 'messaging_redeliveries_total',
      help: 'Deliveries after the first (a nak, an ack that timed out, a consumer that died holding it)',
      labelNames: ['consumer'],
    }),
);
const lagGauge = once(
  'messaging_consumer_lag',
  () =>
    new client.Gauge({
      name: 'messaging_consumer_lag',
      help: 'Events not yet acknowledged',
      labelNames: ['consumer'],
    }),
);

const tracer = trace.getTracer('messaging');

export interface DurableConsumerOptions {
  nc: NatsConnection;
  pool: pg.Pool;
  durable: string;
  filterSubject: string;
  handle: (event: ConsumedEvent, tx: pg.PoolClient) => Promise<void>;
  stream?: string;
  maxDeliver?: number;
  ackWaitMs?: number;
  maxAckPending?: number;
  batchSize?: number;
  /**
   * Events handled at once (default 1: in stream order). More only where events are independent of
   * each other's order — the inbox still applies each exactly once.
   */
  concurrency?: number;
  deliverPolicy?: 'all' | 'new';
  logger?: MessagingLogger;
  /**
   * How long a failing event is retried before it is dead-lettered (default: CONSUMER_RETRY_HOURS,
   * else 24 h). Ignored when maxDeliver is given.
   */
  retryForMs?: number;
  /** How often dead letters marked for replay are looked for (default 5 s). */
  replayIntervalMs?: number;
}

/** The delay before delivery n + 1 after delivery n failed: 200 ms doubling, at most 5 minutes. */
export function retryDelayMs(deliveryCount: number): number {
  return Math.min(200 * 2 ** Math.min(deliveryCount, 20), 300_000);
}

/** How many deliveries fit in `retryForMs` with retryDelayMs between them (at least 1). */
export function deliveriesWithin(retryForMs: number): number {
  let elapsed = 0;
  let n = 1;
  while (elapsed + retryDelayMs(n) <= retryForMs) {
    elapsed += retryDelayMs(n);
    n += 1;
  }
  return n;
}

/** CONSUMER_RETRY_HOURS from the environment (validated by baseServiceConfig at start), else 24. */
export function defaultRetryForMs(env: Record<string, string | undefined> = process.env): number {
  const hours = Number(env.CONSUMER_RETRY_HOURS);
  return (Number.isFinite(hours) && hours > 0 ? hours : 24) * 3_600_000;
}

export class DurableConsumer {
  private running = false;
  private messages: ConsumerMessages | null = null;
  private loop: Promise<void> | null = null;
  private lagTimer: NodeJS.Timeout | null = null;
  private replayTimer: NodeJS.Timeout | null = null;
  private replaying: Promise<number> | null = null;
  private readonly logger: MessagingLogger;
  private readonly stream: string;
  private readonly maxDeliver: number;

  constructor(private readonly options: DurableConsumerOptions) {
    this.logger = options.logger ?? quietLogger;
    this.stream = options.stream ?? PARKING_STREAM;
    this.maxDeliver = options.maxDeliver ?? deliveriesWithin(options.retryForMs ?? defaultRetryForMs());
  }

  isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.ensureConsumer();
    this.running = true;
    this.loop = this.run();
    this.lagTimer = setInterval(() => void this.lag().catch(() => {}), 5_000);
    this.lagTimer.unref();
    this.replayTimer = setInterval(
      () => void this.replayDeadLetters().catch(() => {}),
      this.options.replayIntervalMs ?? 5_000,
    );
    this.replayTimer.unref();
  }

  /** Stops pulling and waits for the event in hand to be handled and acknowledged. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.lagTimer) clearInterval(this.lagTimer);
    if (this.replayTimer) clearInterval(this.replayTimer);
    this.messages?.stop();
    await this.loop;
    await this.replaying?.catch(() => 0);
  }

  async lag(): Promise<number> {
    const jsm = await jetstreamManager(this.options.nc);
    const info = await jsm.consumers.info(this.stream, this.options.durable);
    const n = info.num_pending + info.num_ack_pending;
    lagGauge.set({ consumer: this.options.durable }, n);
    return n;
  }

  private async ensureConsumer(): Promise<void> {
    const jsm = await jetstreamManager(this.options.nc);
    const config = {
      durable_name: this.options.durable,
      ack_policy: AckPolicy.Explicit,
      filter_subject: this.options.filterSubject,
      max_deliver: this.maxDeliver + 1, // the last delivery is the one we dead-letter and terminate
      ack_wait: nanos(this.options.ackWaitMs ?? 30_000),
      max_ack_pending: Math.max(this.options.maxAckPending ?? 1, this.options.concurrency ?? 1),
      deliver_policy: this.options.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
    };
    try {
      await jsm.consumers.info(this.stream, this.options.durable);
      const { durable_name: _d, deliver_policy: _p, filter_subject: _f, ...changeable } = config;
      await jsm.consumers.update(this.stream, this.options.durable, changeable);
    } catch (err) {
      if (!/not found/i.test(String((err as Error).message))) throw err;
      await jsm.consumers.add(this.stream, config);
    }
  }

  private async run(): Promise<void> {
    const js = jetstream(this.options.nc);
    while (this.running) {
      try {
        const consumer = await js.consumers.get(this.stream, this.options.durable);
        this.messages = await consumer.consume({ max_messages: this.options.batchSize ?? 64 });
        if (!this.running) this.messages.stop();
        const concurrency = this.options.concurrency ?? 1;
        const inFlight = new Set<Promise<void>>();
        for await (const msg of this.messages) {
          if (concurrency === 1) {
            await this.process(msg).catch((err) => this.nakAfterError(msg, err));
          } else {
            // process() settles every message itself (ack, nak or dead letter) and never rejects; the
            // catch is a last guard, so a failure in flight can never become an unhandled rejection.
            const handling: Promise<void> = this.process(msg)
              .catch((err) => this.nakAfterError(msg, err))
              .finally(() => inFlight.delete(handling));
            inFlight.add(handling);
            if (inFlight.size >= concurrency) await Promise.race(inFlight);
          }
          if (!this.running) {
            this.messages.stop();
            break;
          }
        }
        await Promise.allSettled(inFlight);
      } catch (err) {
        if (!this.running) break;
        this.logger.warn({ err, consumer: this.options.durable }, 'consumer interrupted; resuming');
        await new Promise((r) => setTimeout(r, 500));
        await this.ensureConsumer().catch(() => {});
      }
    }
  }

  private decode(msg: JsMsg): ConsumedEvent {
    const h = msg.headers;
    return eventOf((k) => h?.get(k) || undefined, {
      eventId: `${this.stream}:${msg.seq}`,
      subject: msg.subject,
      data: msg.json(),
      deliveryCount: msg.info.deliveryCount,
      streamSequence: msg.seq,
    });
  }

  private async process(msg: JsMsg): Promise<void> {
    const durable = this.options.durable;
    let event: ConsumedEvent;
    try {
      event = this.decode(msg);
    } catch (err) {
      await this.deadLetter(msg, err);
      return;
    }
    if (event.deliveryCount > 1) redeliveries.inc({ consumer: durable });
    const parent = extractTraceContext(msg.headers);
    const span = tracer.startSpan(`consume ${msg.subject}`, { kind: SpanKind.CONSUMER }, parent);
    const timer = handleDuration.startTimer({ consumer: durable });
    let tx: pg.PoolClient;
    try {
      tx = await this.options.pool.connect();
    } catch (err) {
      // The database is away (a failover): try again later, counted against the retry time.
      span.end();
      timer();
      this.retryLater(msg, err, event);
      return;
    }
    try {
      await tx.query('begin');
      const fresh = await tx.query(
        'insert into messaging.inbox (consumer, event_id) values ($1, $2) on conflict do nothing',
        [durable, isUuid(event.eventId) ? event.eventId : uuidOfSequence(event.streamSequence)],
      );
      if (fresh.rowCount === 0) {
        await tx.query('commit');
        msg.ack();
        consumed.inc({ consumer: durable, outcome: 'duplicate' });
        return;
      }
      await otelContext.with(trace.setSpan(parent, span), () => this.options.handle(event, tx));
      await tx.query('commit');
      msg.ack();
      consumed.inc({ consumer: durable, outcome: 'ok' });
    } catch (err) {
      await tx.query('rollback').catch(() => {});
      span.setStatus({ code: SpanStatusCode.ERROR, message: String((err as Error).message) });
      if (event.deliveryCount >= this.maxDeliver) {
        await this.deadLetter(msg, err, event).catch((dlErr) => this.retryLater(msg, dlErr, event));
      } else {
        this.retryLater(msg, err, event);
      }
    } finally {
      tx.release();
      timer();
      span.end();
    }
  }

  private retryLater(msg: JsMsg, err: unknown, event: ConsumedEvent): void {
    this.logger.warn(
      {
        err,
        consumer: this.options.durable,
        subject: msg.subject,
        eventId: event.eventId,
        delivery: event.deliveryCount,
      },
      'event handler failed; will retry',
    );
    msg.nak(retryDelayMs(event.deliveryCount));
    consumed.inc({ consumer: this.options.durable, outcome: 'retry' });
  }

  /** The last guard: an error that escaped process() puts the message back for a later try. */
  private nakAfterError(msg: JsMsg, err: unknown): void {
    this.logger.error({ err, consumer: this.options.durable, subject: msg.subject }, 'event handling failed');
    try {
      msg.nak(retryDelayMs(msg.info.deliveryCount));
    } catch {
      // Not acknowledged: JetStream redelivers it after ack_wait.
    }
  }

  /**
   * Handles again the dead letters of this consumer that an operator marked for replay
   * (`messaging.dead_letters.replay_requested_at`), each in one transaction with its inbox row, like a
   * delivery. A replayed letter is resolved; one that fails again stays, with its new error. Returns
   * how many were resolved.
   */
  async replayDeadLetters(): Promise<number> {
    if (this.replaying) return this.replaying;
    this.replaying = this.replayMarked().finally(() => (this.replaying = null));
    return this.replaying;
  }

  private async replayMarked(): Promise<number> {
    const durable = this.options.durable;
    const { rows } = await this.options.pool.query(
      `select * from messaging.dead_letters
       where consumer = $1 and replay_requested_at is not null and resolved_at is null order by id`,
      [durable],
    );
    let resolved = 0;
    for (const row of rows) {
      const headers = new Map<string, string>(
        Object.entries(row.headers as Record<string, string[]>).map(([k, v]) => [k, v[0] ?? '']),
      );
      const event = eventOf((k) => headers.get(k) || undefined, {
        // A dead letter keeps the id it was first read with (its Nats-Msg-Id, else one from its sequence).
        eventId: row.event_id ?? uuidOfSequence(Number(row.stream_sequence)),
        subject: String(row.subject),
        data: JSON.parse(row.payload),
        deliveryCount: Number(row.deliveries) + 1,
        streamSequence: Number(row.stream_sequence),
      });
      const tx = await this.options.pool.connect();
      try {
        await tx.query('begin');
        const fresh = await tx.query(
          'insert into messaging.inbox (consumer, event_id) values ($1, $2) on conflict do nothing',
          [durable, isUuid(event.eventId) ? event.eventId : uuidOfSequence(event.streamSequence)],
        );
        if (fresh.rowCount) await this.options.handle(event, tx);
        await tx.query(
          'update messaging.dead_letters set resolved_at = now(), replay_requested_at = null where id = $1',
          [row.id],
        );
        await tx.query('commit');
        resolved += 1;
        consumed.inc({ consumer: durable, outcome: 'replayed' });
        this.logger.warn({ consumer: durable, eventId: event.eventId }, 'dead letter replayed');
      } catch (err) {
        await tx.query('rollback').catch(() => {});
        await this.options.pool
          .query(
            `update messaging.dead_letters set replay_requested_at = null, error = $2, failed_at = now()
             where id = $1`,
            [row.id, err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err)],
          )
          .catch(() => {});
        this.logger.error({ err, consumer: durable, eventId: event.eventId }, 'dead letter replay failed');
      } finally {
        tx.release();
      }
    }
    return resolved;
  }

  private async deadLetter(msg: JsMsg, err: unknown, event?: ConsumedEvent): Promise<void> {
    const durable = this.options.durable;
    const headers: Record<string, string[]> = {};
    for (const key of msg.headers?.keys() ?? []) headers[key] = msg.headers!.values(key);
    await this.options.pool.query(
      `insert into messaging.dead_letters (consumer, subject, event_id, stream_sequence, headers, payload, error, deliveries)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        durable,
        msg.subject,
        event?.eventId ?? null,
        msg.seq,
        JSON.stringify(headers),
        msg.string(),
        err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err),
        msg.info.deliveryCount,
      ],
    );
    this.logger.error(
      {
        err,
        consumer: durable,
        subject: msg.subject,
        eventId: event?.eventId,
        deliveries: msg.info.deliveryCount,
      },
      'event dead-lettered after its last delivery',
    );
    deadLetters.inc({ consumer: durable });
    consumed.inc({ consumer: durable, outcome: 'dead_letter' });
    msg.term();
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (s: string) => UUID.test(s);
function uuidOfSequence(seq: number): string {
  const hex = seq.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

/**
 * A consumed event from its message headers (`get`) and what the transport knows of it: a live message
 * and a dead letter being replayed are read the same way. `eventId` is the fallback when the message
 * carries no `Nats-Msg-Id`.
 */
function eventOf(
  get: (header: string) => string | undefined,
  m: Pick<ConsumedEvent, 'eventId' | 'subject' | 'data' | 'deliveryCount' | 'streamSequence'>,
): ConsumedEvent {
  return {
    ...m,
    eventId: get('Nats-Msg-Id') ?? m.eventId,
    type: get(HEADERS.eventType) ?? m.subject.split('.').pop() ?? '',
    streamId: get(HEADERS.streamId) ?? '',
    streamVersion: Number(get(HEADERS.streamVersion) ?? 0),
    schemaVersion: Number(get(HEADERS.schemaVersion) ?? 1),
    operatorId: get(HEADERS.operatorId) ?? '',
    correlationId: get(HEADERS.correlationId),
    causationId: get(HEADERS.causationId),
    traceparent: get(HEADERS.traceparent),
  };
}
