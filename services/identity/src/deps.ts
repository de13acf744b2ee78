// What the identity service's handlers need, built once in bootstrap.ts.
import type { PostgresEventStore } from '@parking/event-store';
import type { RpcClient } from '@parking/messaging';
import type { Clock, Logger } from '@parking/platform';
import type pg from 'pg';
import type { Config } from './config.js';
import type { SmsPort } from './sms/sms.port.js';
import type { SigningKeys } from './tokens/signing-keys.js';

export const DEPS = 'DEPS';

export interface Deps {
  config: Config;
  logger: Logger;
  pool: pg.Pool;
  store: PostgresEventStore;
  clock: Clock;
  sms: SmsPort;
  keys: SigningKeys;
  /** Asks the other services for their part of a person's data export. */
  rpc: RpcClient;
}
