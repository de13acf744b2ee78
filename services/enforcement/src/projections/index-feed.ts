// Keeps this replica's in-memory index current: an ordered consumer of one subject from the stream
// sequence up to which the tables the index was loaded from are complete. Every replica gets every
// event (a shared durable would split them), and applying one twice changes nothing.
import { DeliverPolicy, jetstream, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { extractTraceContext, PARKING_STREAM, type MessagingLogger } from '@parking/messaging';
import { histogram } from '@parking/platform';
import { ageOf, eventOf } from './jetstream-events.js';
import type { PlateIndex } from './plate-index.js';
import type { ReadModelFeed } from './read-model.js';

const tracer = trace.getTracer('enforcement');

const lag = histogram({
  name: 'enforcement_index_lag_seconds',
  help: 'From an event stored in the stream to this replica answering checks with it',
  labelNames: ['feed'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 5],
});

export class IndexFeed {
  private messages: ConsumerMessages | null = null;
  private loop: Promise<void> | null = null;
  private running = false;
  private applied = 0;

  constructor(
    private readonly options: {
      nc: NatsConnection;
      index: PlateIndex;
      name: string;
      feed: ReadModelFeed;
      logger: MessagingLogger;
      stream?: string;
      /** Called after each event is applied (tests wait on it). */
      onApplied?: (streamSequence: number) => void;
    },
  ) {}

  isRunning(): boolean {
    return this.running;
  }

  get count(): number {
    return this.applied;
  }

  async start(afterSequence: number): Promise<void> {
    const js = jetstream(this.options.nc);
    const consumer = await js.consumers.get(this.options.stream ?? PARKING_STREAM, {
      filter_subjects: this.options.feed.subject,
      ...(afterSequence > 0
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: afterSequence + 1 }
        : { deliver_policy: DeliverPolicy.All }),
    });
    this.messages = await consumer.consume();
    this.running = true;
    this.loop = (async () => {
      try {
        for await (const m of this.messages!) {
          // A span under the publisher's trace (the message's traceparent), so a purchase's trace shows
          // when each replica's index took it in.
          const span = tracer.startSpan(
            `index ${this.options.name} ${m.subject}`,
            { kind: SpanKind.CONSUMER, attributes: { 'messaging.message.sequence': m.seq } },
            extractTraceContext(m.headers),
          );
          try {
            this.options.feed.apply(this.options.index, eventOf(m));
            this.applied++;
            lag.observe({ feed: this.options.name }, ageOf(m) / 1000);
            this.options.onApplied?.(m.seq);
          } catch (err) {
            span.setStatus({ code: SpanStatusCode.ERROR });
            this.options.logger.error(
              { err, feed: this.options.name, seq: m.seq },
              'index feed skipped an event',
            );
          } finally {
            span.end();
          }
        }
      } finally {
        this.running = false;
      }
    })();
  }

  async stop(): Promise<void> {
    this.messages?.stop();
    await this.loop;
  }
}
