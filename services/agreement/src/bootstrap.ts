// Starts the agreement service: database, migrations, NATS, read model, outbox, reactions, NATS handlers.
import { IDENTITY_EVENTS } from '@parking/contracts/identity';
import { jetstream } from '@nats-io/jetstream';
import { EventSubscription, OutboxPublisher, PostgresEventStore } from '@parking/event-store';
import { DurableConsumer, RpcClient, startServiceInfrastructure } from '@parking/messaging';
import {
  GracefulShutdown,
  HealthRegistry,
  bootstrapService,
  createLogger,
  loadConfig,
  systemClock,
} from '@parking/platform';
import { AgreementModule } from './agreement.module.js';
import { configSchema } from './config.js';
import type { Deps } from './deps.js';
import { agreementFold, toIntegrationMessage } from './integration/integration-events.js';
import { migrations } from './migrations/index.js';
import { agreementsProjection } from './projections/agreements/agreements.projection.js';
import { readAgreementView } from './projections/agreements/agreements.queries.js';
import { AgreementWaiters } from './projections/agreements/waiters.js';
import { userErasedReaction } from './reactions/user-erased/user-erased.reaction.js';
import { chargeSettledReaction } from './reactions/charge-settled/charge-settled.reaction.js';

export async function bootstrap(): Promise<void> {
  const config = loadConfig(configSchema);
  const logger = createLogger({ name: 'agreement', level: config.LOG_LEVEL });
  const shutdown = new GracefulShutdown(logger, config.SHUTDOWN_TIMEOUT_MS);
  const health = new HealthRegistry();

  const { pool, nc } = await startServiceInfrastructure({
    name: 'agreement',
    config,
    migrations,
    logger,
    health,
    shutdown,
    poolSize: 20,
  });

  const store = new PostgresEventStore(pool);
  const waiters = new AgreementWaiters((id) => readAgreementView(pool, id));
  const deps: Deps = {
    config,
    logger,
    pool,
    store,
    rpc: new RpcClient(nc),
    clock: systemClock,
    nc,
    health,
    waiters,
  };

  const readModel = new EventSubscription({
    pool,
    subscriptionId: 'agreements-read-model',
    handle: agreementsProjection(waiters),
    logger,
  });
  await readModel.start();
  shutdown.add('read model', () => readModel.stop());

  const outbox = new OutboxPublisher({
    pool,
    js: jetstream(nc),
    // Each message carries the agreement's state after its event, folded by the outbox as it goes.
    fold: agreementFold,
    toMessage: toIntegrationMessage,
    logger,
  });
  await outbox.start();
  shutdown.add('outbox', () => outbox.stop());

  const chargeSettled = new DurableConsumer({
    nc,
    pool,
    durable: `${config.CONSUMER_PREFIX}-charge-settled`,
    filterSubject: 'parking.payment.>',
    handle: chargeSettledReaction(deps),
    // Charges of different agreements are independent; one agreement's are minutes apart at least.
    concurrency: 16,
    logger,
  });
  await chargeSettled.start();
  shutdown.add('charge-settled consumer', () => chargeSettled.stop());

  const erasures = new DurableConsumer({
    nc,
    pool,
    durable: `${config.CONSUMER_PREFIX}-user-erased`,
    filterSubject: IDENTITY_EVENTS.userErased,
    handle: userErasedReaction(deps),
    logger,
  });
  await erasures.start();
  shutdown.add('user-erased consumer', () => erasures.stop());

  health.addCheck('workers', () => {
    if (!erasures.isRunning()) throw new Error('the user-erased consumer is not running');
    if (!readModel.isRunning()) throw new Error('the read model is not running');
    if (!outbox.isRunning()) throw new Error('the outbox publisher is not running');
    if (!chargeSettled.isRunning()) throw new Error('the charge-settled consumer is not running');
  });

  await bootstrapService({
    name: 'agreement',
    module: AgreementModule.register(deps),
    config,
    logger,
    health,
    nats: nc,
    shutdown,
  });
  shutdown.install();
  logger.info({ port: config.HTTP_PORT }, 'agreement service started');
}
