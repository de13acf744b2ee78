// A local subscription: feeds a read model from this service's own events in commit order. The handler
// and the checkpoint share one transaction, so each event changes the read model exactly once; with
// several replicas, one at a time holds the checkpoint row (the others stand by).
import type pg from 'pg';
import { CatchUpLoop, silentLogger, type LoopLogger, type StepResult } from './catch-up-loop.js';
import { loadCheckpoint, positionOf, storeCheckpoint } from './checkpoints.js';
import { subscriptionHandledTotal } from './metrics.js';
import { PostgresEventStore } from './postgres-event-store.js';
import { START, type Checkpoint, type RecordedEvent } from './types.js';

export interface EventSubscriptionOptions {
  pool: pg.Pool;
  subscriptionId: string;
  /** Runs inside the transaction that then stores the checkpoint: write the read model with `client`. */
  handle: (events: RecordedEvent[], client: pg.PoolClient) => Promise<void>;
  batchSize?: number;
  pollIntervalMs?: number;
  notifyChannel?: string;
  logger?: LoopLogger;
  /** The store to read with (for its upcasters); default: a plain one on `pool`. */
  store?: PostgresEventStore;
}

export class EventSubscription {
  private readonly loop: CatchUpLoop;
  private readonly store: PostgresEventStore;
  private readonly batchSize: number;
  private current: Checkpoint = START;

  constructor(private readonly options: EventSubscriptionOptions) {
    this.store =
      options.store ?? new PostgresEventStore(options.pool, { notifyChannel: options.notifyChannel });
    this.batchSize = options.batchSize ?? 100;
    this.loop = new CatchUpLoop({
      name: options.subscriptionId,
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

  start(): Promise<void> {
    return this.loop.start();
  }

  /** Finishes the batch in flight, then stops. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Handles one batch; exposed for tests and rebuilds that drive the subscription by hand. */
  async step(): Promise<StepResult | null> {
    // Looking first outside a transaction keeps an idle poll cheap: no transaction id, no row lock.
    const seen = await loadCheckpoint(this.options.pool, this.options.subscriptionId);
    if ((await this.store.readAll(seen, 1)).length === 0) {
      this.current = seen;
      return { handled: 0, full: false, pending: await this.store.hasUnreadable(seen) };
    }
    const client = await this.options.pool.connect();
    try {
      await client.query('begin');
      const from = await loadCheckpoint(client, this.options.subscriptionId, { lock: 'skip_locked' });
      if (!from) {
        await client.query('rollback');
        return null;
      }
      const events = await this.store.readAll(from, this.batchSize, client);
      if (events.length > 0) await this.options.handle(events, client);
      const to = events.length > 0 ? positionOf(events[events.length - 1]) : from;
      if (events.length > 0) await storeCheckpoint(client, this.options.subscriptionId, to);
      await client.query('commit');
      this.current = to;
      subscriptionHandledTotal.inc({ subscription: this.options.subscriptionId }, events.length);
      return { handled: events.length, full: events.length === this.batchSize, pending: false };
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}
