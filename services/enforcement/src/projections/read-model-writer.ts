// Writes one subject's events into the read model: a durable pull consumer shared by every replica,
// taking whatever has arrived as one batch in one transaction, acknowledged after the commit. The rows'
// version guards make redeliveries and overtaking harmless, so no inbox is needed; and because nothing
// is acknowledged before it is committed, the consumer's ack floor tells a starting replica up to which
// stream sequence the tables are complete.
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { SpanKind, SpanStatusCode, trace, type Link } from '@opentelemetry/api';
import { extractTraceContext, PARKING_STREAM, type MessagingLogger } from '@parking/messaging';
import { histogram } from '@parking/platform';
import type pg from 'pg';
import { eventOf } from './jetstream-events.js';
import type { ReadModelFeed } from './read-model.js';

const BATCH_MAX = 500;

const tracer = trace.getTracer('enforcement');

const batchDuration = histogram({
  name: 'enforcement_read_model_batch_seconds',
  help: 'Time to write one batch of events into the enforcement read model',
  labelNames: ['feed'],
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
});

export class ReadModelWriter {
  private running = false;
  private loop: Promise<void> | null = null;
  private stopPulling: (() => void) | null = null;

  constructor(
    private readonly options: {
      nc: NatsConnection;
      pool: pg.Pool;
      durable: string;
      feed: ReadModelFeed;
      logger: MessagingLogger;
      stream?: string;
    },
  ) {}

  private get stream(): string {
    return this.options.stream ?? PARKING_STREAM;
  }

  isRunning(): boolean {
    return this.running;
  }

  /** Every message up to this stream sequence is committed to the tables. */
  async ackFloor(): Promise<number> {
    const jsm = await jetstreamManager(this.options.nc);
    try {
      return (await jsm.consumers.info(this.stream, this.options.durable)).ack_floor.stream_seq;
    } catch (err) {
      if (/not found/i.test(String((err as Error).message))) return 0;
      throw err;
    }
  }

  async start(): Promise<void> {
    const jsm = await jetstreamManager(this.options.nc);
    const config = {
      durable_name: this.options.durable,
      ack_policy: AckPolicy.Explicit,
      filter_subject: this.options.feed.subject,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(30_000),
      max_ack_pending: BATCH_MAX * 2,
    };
    try {
      await jsm.consumers.info(this.stream, config.durable_name);
    } catch (err) {
      if (!/not found/i.test(String((err as Error).message))) throw err;
      await jsm.consumers.add(this.stream, config).catch((addErr: Error) => {
        if (!/already in use|exists/i.test(addErr.message)) throw addErr;
      });
      // A consumer made from the stream's start sees every event: its latest_events will be complete.
      // (Made after a retention limit dropped some, it would not be, but then neither are the tables.)
      await this.options.pool.query(
        `insert into latest_events_state (feed, complete) values ($1, true) on conflict (feed) do nothing`,
        [this.options.feed.name],
      );
    }
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopPulling?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const js = jetstream(this.options.nc);
    while (this.running) {
      try {
        const consumer = await js.consumers.get(this.stream, this.options.durable);
        const messages = await consumer.consume({ max_messages: BATCH_MAX });
        this.stopPulling = () => messages.stop();
        // Messages pile up while a batch is written; the next batch takes all of them.
        const queue: JsMsg[] = [];
        const signal: { wake: (() => void) | null; ended: boolean } = { wake: null, ended: false };
        const pump = (async () => {
          for await (const m of messages) {
            queue.push(m);
            signal.wake?.();
          }
          signal.ended = true;
          signal.wake?.();
        })();
        while (this.running && !(signal.ended && !queue.length)) {
          if (!queue.length) {
            await new Promise<void>((r) => (signal.wake = r));
            signal.wake = null;
            continue;
          }
          await this.write(queue.splice(0, BATCH_MAX));
        }
        messages.stop();
        await pump;
      } catch (err) {
        if (!this.running) break;
        this.options.logger.warn({ err, consumer: this.options.durable }, 'read model writer interrupted');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async write(batch: JsMsg[]): Promise<void> {
    const timer = batchDuration.startTimer({ feed: this.options.durable });
    // One span per batch, under the first event's trace and linked to every other event's.
    const contexts = batch.map((m) => trace.getSpanContext(extractTraceContext(m.headers)));
    const links: Link[] = contexts.slice(1).flatMap((c) => (c ? [{ context: c }] : []));
    const span = tracer.startSpan(
      `read model ${this.options.durable}`,
      { kind: SpanKind.CONSUMER, links, attributes: { 'messaging.batch.message_count': batch.length } },
      extractTraceContext(batch[0]?.headers),
    );
    let client: pg.PoolClient;
    try {
      client = await this.options.pool.connect();
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      timer();
      this.options.logger.warn(
        { err, consumer: this.options.durable },
        'read model batch failed; redelivering',
      );
      for (const m of batch) m.nak(1_000);
      return;
    }
    try {
      await client.query('begin');
      await this.options.feed.write(client, batch.map(eventOf));
      await client.query('commit');
      for (const m of batch) m.ack();
    } catch (err) {
      await client.query('rollback').catch(() => {});
      this.options.logger.warn(
        { err, consumer: this.options.durable },
        'read model batch failed; redelivering',
      );
      for (const m of batch) m.nak(1_000);
      span.setStatus({ code: SpanStatusCode.ERROR });
    } finally {
      client.release();
      timer();
      span.end();
    }
  }
}
