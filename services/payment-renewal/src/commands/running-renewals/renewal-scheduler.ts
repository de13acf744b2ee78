// The scheduler: every interval, a renewal run as of now for every operator, and the pending
// notifications sent. Every replica runs it; the runs share the work through skip-locked rows.
import type { Deps } from '../../deps.js';
import { sendPendingNotifications } from '../../notifications/notifications.js';
import { runRenewals } from './run-renewals.js';

export type OperatorIds = () => Promise<string[]>;

export class RenewalScheduler {
  private timer: NodeJS.Timeout | null = null;
  private notifier: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly deps: Deps,
    private readonly operatorIds: OperatorIds,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
    this.notifier = setInterval(() => void this.sendNotifications(), 2_000);
    this.notifier.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.notifier) clearInterval(this.notifier);
    await this.running;
  }

  /** One run for every operator; a tick while the previous one still runs is skipped. */
  tick(): Promise<void> {
    this.running ??= (async () => {
      try {
        for (const operatorId of await this.operatorIds()) {
          const asOf = this.deps.clock.now();
          const run = await runRenewals(this.deps, { operatorId, asOf });
          if (run.due || run.ended) this.deps.logger.info({ operatorId, ...run }, 'renewal run');
        }
      } catch (err) {
        this.deps.logger.error({ err }, 'renewal run failed; the next tick tries again');
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async sendNotifications(): Promise<void> {
    try {
      while ((await sendPendingNotifications(this.deps.pool, this.deps.rpc, this.deps.logger)) > 0);
    } catch (err) {
      this.deps.logger.warn({ err }, 'sending notifications failed; trying again');
    }
  }
}
