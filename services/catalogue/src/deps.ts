// What the catalogue's handlers need, built once in bootstrap.ts.
import type { PostgresEventStore } from '@parking/event-store';
import type { Clock, Logger } from '@parking/platform';
import type pg from 'pg';
import type { Config } from './config.js';

export const DEPS = 'DEPS';

/** What the command handlers use. */
export type CommandDeps = Pick<Deps, 'pool' | 'store' | 'clock'>;

export interface Deps {
  config: Config;
  logger: Logger;
  pool: pg.Pool;
  store: PostgresEventStore;
  clock: Clock;
}
