// What the gateway's handlers need, provided once under DEPS.
import type { NatsConnection } from '@nats-io/transport-node';
import type { RpcClient } from '@parking/messaging';
import type { HealthRegistry, Logger } from '@parking/platform';
import type { AccessTokenVerifier } from './auth/access-tokens.js';
import type { RevokedDevices } from './auth/revoked-devices.js';
import type { Config } from './config.js';
import type { IdempotencyStore } from './http/idempotency.js';
import type { PublicReadCache } from './http/read-cache.js';
import type { OperatorDirectory } from './operators/operator-directory.js';

export const DEPS = 'DEPS';

export interface Deps {
  config: Config;
  logger: Logger;
  nc: NatsConnection;
  rpc: RpcClient;
  operators: OperatorDirectory;
  tokens: AccessTokenVerifier;
  revokedDevices: RevokedDevices;
  /** The catalogue's public reads, for a second at most and until the catalogue changes. */
  publicReads: PublicReadCache;
  health: HealthRegistry;
  /** Kept answers of the routes that honour Idempotency-Key. */
  idempotency: IdempotencyStore;
}
