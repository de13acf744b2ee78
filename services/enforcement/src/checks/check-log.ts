// Every check is recorded (who asked, when, what, the answer) off the hot path: answers go into a
// buffer that is written in bounded batches, one statement per batch, yielding to the event loop between
// statements so that building a batch's parameters never holds up the checks waiting behind it.
import type { Check } from '@parking/contracts/enforcement';
import type { RequestContext } from '@parking/contracts';
import { counter } from '@parking/platform';
import type pg from 'pg';

const FLUSH_EVERY_MS = 500;
const BATCH_MAX = 1_000;
/** Past this many unwritten entries (the database is down) the oldest are dropped and counted. */
const BUFFER_MAX = 500_000;

const dropped = counter({ name: 'enforcement_check_log_dropped_total', help: 'Check log entries dropped' });

interface Entry {
  operatorId: string;
  checkedAt: Date;
  caller: string;
  check: Check;
}

export const callerName = (ctx: RequestContext): string => {
  const c = ctx.caller;
  if (c.kind === 'user') return `user:${c.userId}`;
  if (c.kind === 'device') return `device:${c.deviceId}`;
  return c.kind === 'system' ? `system:${c.service}` : 'anonymous';
};

export class CheckLog {
  private buffer: Entry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: { warn(obj: object, msg?: string): void },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  /** `caller` as callerName gives it. */
  record(operatorId: string, caller: string, checkedAt: Date, checks: readonly Check[]): void {
    for (const check of checks) this.buffer.push({ operatorId, checkedAt, caller, check });
    if (this.buffer.length > BUFFER_MAX) {
      const excess = this.buffer.length - BUFFER_MAX;
      this.buffer.splice(0, excess);
      dropped.inc(excess);
    }
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Writes what is buffered; concurrent calls share one flush. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = null));
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  private async write(): Promise<void> {
    while (this.buffer.length) {
      const batch = this.buffer.slice(0, BATCH_MAX);
      try {
        await this.pool.query(
          `insert into check_log (operator_id, checked_at, caller, zone_id, at, plate, country, allowed, reason, agreement_id)
           select * from unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::timestamptz[],
                                $6::text[], $7::text[], $8::boolean[], $9::text[], $10::uuid[])`,
          [
            batch.map((e) => e.operatorId),
            batch.map((e) => e.checkedAt),
            batch.map((e) => e.caller),
            batch.map((e) => e.check.zone),
            batch.map((e) => e.check.at),
            batch.map((e) => e.check.plate),
            batch.map((e) => e.check.country),
            batch.map((e) => e.check.allowed),
            batch.map((e) => e.check.reason),
            batch.map((e) => e.check.agreementId),
          ],
        );
        this.buffer.splice(0, batch.length);
        if (this.buffer.length) await new Promise((r) => setImmediate(r));
      } catch (err) {
        this.logger.warn({ err }, 'check log not written; will retry');
        return;
      }
    }
  }
}
