// Starts the catalogue service: database, migrations, demo data, outbox, the consumer of agreement
// events (for capacity), NATS handlers.
import { jetstream } from '@nats-io/jetstream';
import { OutboxPublisher, PostgresEventStore } from '@parking/event-store';
import { DurableConsumer, startServiceInfrastructure } from '@parking/messaging';
import {
  GracefulShutdown,
  HealthRegistry,
  bootstrapService,
  createLogger,
  demoDataEnabled,
  loadConfig,
  systemClock,
} from '@parking/platform';
import { CatalogueModule } from './catalogue.module.js';
import { configSchema } from './config.js';
import { loadDemoData } from './demo/demo-data.js';
import { integrationMessages } from './integration/integration-events.js';
import { migrations } from './migrations/index.js';
import { applyAgreementEvent } from './projections/agreement-places/agreement-places.projection.js';

export async function bootstrap(): Promise<void> {
  const config = loadConfig(configSchema);
  const logger = createLogger({ name: 'catalogue', level: config.LOG_LEVEL });
  const shutdown = new GracefulShutdown(logger, config.SHUTDOWN_TIMEOUT_MS);
  const health = new HealthRegistry();
  health.markNotReady('demo-data', 'loading');

  const { pool, nc } = await startServiceInfrastructure({
    name: 'catalogue',
    config,
    migrations,
    logger,
    health,
    shutdown,
    poolSize: 20,
  });

  const store = new PostgresEventStore(pool);
  const deps = { config, logger, pool, store, clock: systemClock };
  if (demoDataEnabled(config)) await loadDemoData(deps);
  health.markReady('demo-data');

  const outbox = new OutboxPublisher({
    pool,
    js: jetstream(nc),
    toMessage: integrationMessages(pool, store),
    logger,
  });
  await outbox.start();
  shutdown.add('outbox', () => outbox.stop());
  health.addCheck('outbox', () => {
    if (!outbox.isRunning()) throw new Error('the outbox publisher is not running');
  });

  const agreementPlaces = new DurableConsumer({
    nc,
    pool,
    durable: `${config.CONSUMER_PREFIX}-agreement-places`,
    filterSubject: 'parking.agreement.>',
    handle: applyAgreementEvent,
    logger,
  });
  await agreementPlaces.start();
  shutdown.add('agreement places consumer', () => agreementPlaces.stop());
  health.addCheck('consumers', () => {
    if (!agreementPlaces.isRunning()) throw new Error('the agreement places consumer is not running');
  });

  await bootstrapService({
    name: 'catalogue',
    module: CatalogueModule.register(deps),
    config,
    logger,
    health,
    nats: nc,
    shutdown,
  });
  shutdown.install();
  logger.info({ port: config.HTTP_PORT }, 'catalogue service started');
}
