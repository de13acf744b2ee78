// What enforcement's handlers need, provided once.
import type { NatsConnection } from '@nats-io/transport-node';
import type { PostgresEventStore } from '@parking/event-store';
import type { Clock } from '@parking/platform';
import type pg from 'pg';
import type { CheckLog } from './checks/check-log.js';
import type { PlateIndex } from './projections/plate-index.js';

export interface EnforcementDeps {
  pool: pg.Pool;
  nc: NatsConnection | null;
  store: PostgresEventStore;
  index: PlateIndex;
  checkLog: CheckLog | null;
  clock: Clock;
}
