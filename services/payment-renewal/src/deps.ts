// What the payment-renewal service's handlers need, built once in bootstrap.ts.
import type { NatsConnection } from '@nats-io/transport-node';
import type { PostgresEventStore } from '@parking/event-store';
import type { RpcClient } from '@parking/messaging';
import type { Clock, HealthRegistry, Logger } from '@parking/platform';
import type pg from 'pg';
import type { Config } from './config.js';
import type { OperatorDirectory } from './operators/operator-directory.js';
import type { PspPort } from './psp/psp.port.js';
import type { StripePsp } from './psp/stripe-psp.js';

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
  psp: PspPort;
  /** The Stripe adapter, when the platform has a Stripe account (its webhooks are verified by it). */
  stripe?: StripePsp | null;
  operators: OperatorDirectory;
}
