// Starts the identity service: database, migrations, signing keys, operators, demo data, NATS handlers.
import { jetstream } from '@nats-io/jetstream';
import { OutboxPublisher, PostgresEventStore } from '@parking/event-store';
import { RpcClient, startServiceInfrastructure } from '@parking/messaging';
import {
  GracefulShutdown,
  HealthRegistry,
  bootstrapService,
  createLogger,
  demoDataEnabled,
  loadConfig,
  systemClock,
} from '@parking/platform';
import { configSchema, smsProvider } from './config.js';
import { loadDemoData } from './demo/demo-data.js';
import type { Deps } from './deps.js';
import { IdentityModule } from './identity.module.js';
import { migrations } from './migrations/index.js';
import { defaultOperator, ensureOperator } from './operators/operators.js';
import { DevInboxSms, HttpSms } from './sms/sms.port.js';
import { scheduleSignInSweep } from './privacy/retention.js';
import { SigningKeys } from './tokens/signing-keys.js';
import { integrationEvent } from './integration/integration-events.js';

export async function bootstrap(): Promise<void> {
  const config = loadConfig(configSchema);
  const logger = createLogger({ name: 'identity', level: config.LOG_LEVEL });
  const shutdown = new GracefulShutdown(logger, config.SHUTDOWN_TIMEOUT_MS);
  const health = new HealthRegistry();
  health.markNotReady('demo-data', 'loading');

  const { pool, nc } = await startServiceInfrastructure({
    name: 'identity',
    config,
    migrations,
    logger,
    health,
    shutdown,
    poolSize: 20,
  });

  const keys = new SigningKeys(pool);
  await keys.init();
  // Rotation: checked at start and hourly; each replica also re-reads the newest key then.
  const keyMaxAgeMs = config.SIGNING_KEY_MAX_AGE_DAYS * 86_400_000;
  await keys.rotateIfOlderThan(keyMaxAgeMs);
  const rotation = setInterval(() => {
    keys.rotateIfOlderThan(keyMaxAgeMs).catch((err) => logger.error({ err }, 'signing key rotation failed'));
  }, 3_600_000);
  rotation.unref();
  shutdown.add('key rotation', () => clearInterval(rotation));
  const sms =
    smsProvider(config) === 'http'
      ? new HttpSms({ url: config.SMS_HTTP_URL ?? '', token: config.SMS_HTTP_TOKEN })
      : new DevInboxSms(pool);
  const store = new PostgresEventStore(pool);
  const deps: Deps = { config, logger, pool, store, clock: systemClock, sms, keys, rpc: new RpcClient(nc) };

  shutdown.add('sign-in data sweep', scheduleSignInSweep(pool, systemClock, logger));

  await ensureOperator(pool, store, defaultOperator(config.DEFAULT_OPERATOR));
  if (demoDataEnabled(config)) await loadDemoData(deps);
  health.markReady('demo-data');

  const outbox = new OutboxPublisher({
    pool,
    js: jetstream(nc),
    toMessage: (e) => integrationEvent(e),
    logger,
  });
  await outbox.start();
  shutdown.add('outbox', () => outbox.stop());

  await bootstrapService({
    name: 'identity',
    module: IdentityModule.register(deps),
    config,
    logger,
    health,
    nats: nc,
    shutdown,
  });
  shutdown.install();
  logger.info({ port: config.HTTP_PORT }, 'identity service started');
}
