// Starts enforcement: the read model, the in-memory index built from it, and the consumers that keep
// both current from agreement and catalogue events.
import { CATALOGUE_EVENTS } from '@parking/contracts/catalogue';
import { DurableConsumer, startServiceInfrastructure } from '@parking/messaging';
import {
  bootstrapService,
  createLogger,
  GracefulShutdown,
  HealthRegistry,
  loadConfig,
  systemClock,
} from '@parking/platform';
import { configSchema } from './config.js';
import { EnforcementModule } from './enforcement.module.js';
import { migrations } from './migrations/index.js';
import { PlateIndex } from './projections/plate-index.js';
import { agreementValidityHandler, loadIndex, zonesHandler } from './projections/validity.projection.js';

export async function bootstrap(): Promise<void> {
  const config = loadConfig(configSchema);
  const logger = createLogger({ name: 'enforcement', level: config.LOG_LEVEL });
  const shutdown = new GracefulShutdown(logger, config.SHUTDOWN_TIMEOUT_MS);
  const health = new HealthRegistry();

  const { pool, nc } = await startServiceInfrastructure({
    name: 'enforcement',
    config,
    migrations,
    logger,
    health,
    shutdown,
    poolSize: 10,
  });

  const index = new PlateIndex();
  await loadIndex(pool, index);
  logger.info({ agreements: index.size }, 'plate index loaded');

  const consumers = [
    new DurableConsumer({
      nc,
      pool,
      durable: `${config.CONSUMER_PREFIX}-agreements`,
      filterSubject: 'parking.agreement.>',
      handle: agreementValidityHandler(index),
      maxAckPending: 1,
      logger,
    }),
    new DurableConsumer({
      nc,
      pool,
      durable: `${config.CONSUMER_PREFIX}-zones`,
      filterSubject: CATALOGUE_EVENTS.locationPublished,
      handle: zonesHandler(index),
      logger,
    }),
  ];
  for (const c of consumers) {
    await c.start();
    shutdown.add(`consumer ${c.constructor.name}`, () => c.stop());
  }
  health.addCheck('consumers', () => {
    if (!consumers.every((c) => c.isRunning())) throw new Error('a consumer is not running');
  });

  await bootstrapService({
    name: 'enforcement',
    module: EnforcementModule.register(index, systemClock),
    config,
    logger,
    health,
    nats: nc,
    shutdown,
  });
  shutdown.install();
  logger.info({ port: config.HTTP_PORT }, 'enforcement service started');
}
