// Starts the gateway: NATS, the operator list and token keys from identity (loaded in the background: the
// gateway serves at once, with 503 where an operator is needed, until identity answers), then HTTP.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RequestContext } from '@parking/contracts';
import {
  IDENTITY_EVENTS,
  IDENTITY_SUBJECTS,
  type OperatorList,
  type PublicKeySet,
} from '@parking/contracts/identity';
import { closeNats, connectNats, RpcClient } from '@parking/messaging';
import {
  boundPort,
  HealthRegistry,
  reportBoundPort,
  type GracefulShutdown,
  type Logger,
} from '@parking/platform';
import { createGatewayApp } from './app.js';
import { AccessTokenVerifier } from './auth/access-tokens.js';
import { RevokedDevices } from './auth/revoked-devices.js';
import type { Config } from './config.js';
import type { Deps } from './deps.js';
import { registerServiceChecks } from './health/service-readiness.js';
import { IdempotencyStore } from './http/idempotency.js';
import { PublicReadCache } from './http/read-cache.js';
import { watchOperatorChanges } from './operators/operator-changes.js';
import { OperatorDirectory } from './operators/operator-directory.js';

/** Internal calls made on the gateway's own behalf (no caller, no operator). */
const systemContext = (): RequestContext => ({
  operatorId: '',
  caller: { kind: 'system', service: 'gateway' },
  correlationId: `gateway-${Date.now()}`,
});

export interface RunningGateway {
  app: NestFastifyApplication;
  deps: Deps;
  /** `http://host:port` it listens on. */
  url: string;
}

export async function startGateway(
  config: Config,
  logger: Logger,
  shutdown: GracefulShutdown,
): Promise<RunningGateway> {
  const health = new HealthRegistry();
  const nc = await connectNats({ url: config.NATS_URL, name: 'gateway', logger });
  shutdown.add('nats', () => closeNats(nc));
  const rpc = new RpcClient(nc, { defaultTimeoutMs: config.RPC_TIMEOUT_MS });

  health.markNotReady('operators', 'the operator list is not loaded yet');
  const operators = new OperatorDirectory({
    fetch: () =>
      rpc.request<OperatorList>(IDENTITY_SUBJECTS.listOperators, {}, systemContext(), { timeoutMs: 2_000 }),
    defaultSlug: config.DEFAULT_OPERATOR,
    refreshMs: config.OPERATORS_REFRESH_MS,
    logger,
    onLoaded: () => health.markReady('operators'),
  });
  const tokens = new AccessTokenVerifier({
    fetchKeys: () =>
      rpc.request<PublicKeySet>(IDENTITY_SUBJECTS.keys, {}, systemContext(), { timeoutMs: 2_000 }),
  });
  const revokedDevices = new RevokedDevices({
    fetch: () =>
      rpc.request<{ deviceIds: string[] }>(IDENTITY_SUBJECTS.revokedDevices, {}, systemContext(), {
        timeoutMs: 2_000,
      }),
    refreshMs: config.OPERATORS_REFRESH_MS,
    logger,
  });
  registerServiceChecks(health, nc, config.SERVICES);

  const publicReads = new PublicReadCache();
  const idempotency = new IdempotencyStore(nc, { replicas: config.NATS_STREAM_REPLICAS });
  const deps: Deps = {
    config,
    logger,
    nc,
    rpc,
    operators,
    tokens,
    revokedDevices,
    publicReads,
    health,
    idempotency,
  };
  const app = await createGatewayApp(deps);

  const catalogueChanges = nc.subscribe('parking.catalogue.>', { callback: () => publicReads.clear() });
  shutdown.add('catalogue changes', () => catalogueChanges.unsubscribe());
  const changes = watchOperatorChanges(nc, IDENTITY_EVENTS.operatorChanged, () => void operators.refresh());
  shutdown.add('operator changes', () => changes.unsubscribe());
  operators.start();
  shutdown.add('operator list', () => operators.stop());
  void tokens.preload();
  revokedDevices.start(nc, IDENTITY_EVENTS.deviceRevoked);
  shutdown.add('revoked devices', () => revokedDevices.stop());

  await app.listen(config.PORT, config.HOST);
  shutdown.add('http', () => app.close());
  // PORT=0 takes any free port: the parent learns which from PORT_FILE.
  const port = boundPort(app.getHttpServer().address()) ?? config.PORT;
  reportBoundPort(port);
  return { app, deps, url: `http://${config.HOST}:${port}` };
}
