// Runs a "read the next batch" step until caught up, then sleeps until PostgreSQL NOTIFYs an append or
// the poll interval passes (the fallback, e.g. while the listener reconnects). A failing step is retried
// with backoff, never skipped.
import pg from 'pg';
import { onAppended } from './append-signal.js';

export interface LoopLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: LoopLogger = { info() {}, warn() {}, error() {} };

/** What one step did: how many events it handled, and whether more may be readable soon. */
export interface StepResult {
  handled: number;
  full: boolean;
  /** Events exist that an older, still-running transaction keeps unreadable: look again shortly. */
  pending: boolean;
}

const RELISTEN_MS = 1_000;

export class CatchUpLoop {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private listener: pg.Client | null = null;
  private listenAttemptAt = 0;
  private connecting = false;
  private retryScheduled = false;
  private woken = false;
  private unsubscribeLocal: (() => void) | null = null;

  constructor(
    private readonly options: {
      name: string;
      pool: pg.Pool;
      channel: string;
      pollIntervalMs: number;
      /** Null: another replica holds this loop's position; stand by. */
      step: () => Promise<StepResult | null>;
      logger: LoopLogger;
    },
  ) {}

  isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.unsubscribeLocal = onAppended(this.options.channel, () => this.onWake());
    await this.ensureListener();
    this.loop = this.run();
  }

  /** Lets the batch in flight finish (and checkpoint), then stops. */
  async stop(): Promise<void> {
    if (!this.running && !this.loop) return;
    this.running = false;
    this.unsubscribeLocal?.();
    this.unsubscribeLocal = null;
    this.wake?.();
    await this.loop;
    this.loop = null;
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => {});
  }

  private onWake(): void {
    this.woken = true;
    this.wake?.();
  }

  /** (Re)connects the LISTEN connection, at most once a second; polling covers the time without it. */
  private async ensureListener(): Promise<void> {
    if (!this.running || this.listener || this.connecting) return;
    if (Date.now() - this.listenAttemptAt < RELISTEN_MS) return this.retryListenSoon();
    this.listenAttemptAt = Date.now();
    this.connecting = true;
    // The pool's own settings (connection string or host/user/…); pool-only keys are ignored.
    const client = new pg.Client({
      ...(this.options.pool as unknown as { options: pg.ClientConfig }).options,
    });
    client.on('notification', () => this.onWake());
    const lost = (err: unknown) => {
      if (this.listener !== client) return;
      this.listener = null;
      this.options.logger.warn({ err, loop: this.options.name }, 'listener lost; polling until it is back');
      client.end().catch(() => {});
      this.retryListenSoon();
    };
    client.on('error', lost);
    client.on('end', () => lost(new Error('listener connection ended')));
    try {
      await client.connect();
      await client.query(`listen ${client.escapeIdentifier(this.options.channel)}`);
      if (!this.running) {
        await client.end();
        return;
      }
      this.listener = client;
      // Whatever was appended while nobody listened is picked up by the next step.
      this.onWake();
    } catch (err) {
      this.options.logger.warn({ err, loop: this.options.name }, 'LISTEN failed; polling');
      client.end().catch(() => {});
      this.retryListenSoon();
    } finally {
      this.connecting = false;
    }
  }

  /** The loop may sleep a whole poll interval: reconnecting must not wait for it. */
  private retryListenSoon(): void {
    if (!this.running || this.retryScheduled) return;
    this.retryScheduled = true;
    setTimeout(() => {
      this.retryScheduled = false;
      void this.ensureListener();
    }, RELISTEN_MS).unref();
  }

  private async run(): Promise<void> {
    let failures = 0;
    let pendingPolls = 0;
    while (this.running) {
      let result: StepResult | null;
      try {
        this.woken = false;
        result = await this.options.step();
        failures = 0;
      } catch (err) {
        failures++;
        this.options.logger.error({ err, loop: this.options.name, failures }, 'step failed; retrying');
        await this.sleep(Math.min(100 * 2 ** failures, 5_000), false);
        continue;
      }
      // Not awaited: a slow reconnect must not hold up the batches.
      void this.ensureListener();
      if (result === null) {
        await this.sleep(this.options.pollIntervalMs, false);
        continue;
      }
      if (result.full || this.woken) continue;
      if (result.pending) {
        // Unread rows wait for an older transaction (anywhere on the server: xids are cluster-wide).
        pendingPolls++;
        await this.sleep(Math.min(10 * pendingPolls, 200), true);
        continue;
      }
      pendingPolls = 0;
      await this.sleep(this.options.pollIntervalMs, true);
    }
  }

  /** Sleeps `ms`; a wake-up (append, NOTIFY, stop) cuts it short only when `wakeable`, stop always does. */
  private sleep(ms: number, wakeable: boolean): Promise<void> {
    // stop() may have come while a step ran, when there was no sleep to cut short.
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = () => {
        if (wakeable || !this.running) done();
      };
    });
  }
}
