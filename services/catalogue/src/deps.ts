// What the catalogue's handlers need, built once in bootstrap.ts.
import type { PostgresEventStore } from '@parking/event-store';
import type { Logger } from '@parking/platform';
import type pg from 'pg';
import type { Config } from './config.js';

export const DEPS = 'DEPS';

export interface Deps {
  config: Config;
  logger: Logger;
  pool: pg.Pool;
  store: PostgresEventStore;
}
