// What the agreement service's handlers need, built once in bootstrap.ts.
import type { NatsConnection } from '@nats-io/transport-node';
import type { PostgresEventStore } from '@parking/event-store';
import type { RpcClient } from '@parking/messaging';
import type { Clock, HealthRegistry, Logger } from '@parking/platform';
import type pg from 'pg';
import type { Config } from './config.js';
import type { AgreementWaiters } from './projections/agreements/waiters.js';

export const DEPS = 'DEPS';

export interface Deps {
  config: Config;
  logger: Logger;
  pool: pg.Pool;
  store: PostgresEventStore;
  rpc: RpcClient;
  clock: Clock;
  nc: NatsConnection;
  health: HealthRegistry;
  waiters: AgreementWaiters;
}
