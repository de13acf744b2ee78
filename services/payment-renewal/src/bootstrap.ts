// Starts the payment-renewal service: database, migrations, NATS, the PSPs (the sandbox, and Stripe when
// configured), outbox, reactions.
import { jetstream } from '@nats-io/jetstream';
import { OutboxPublisher, PostgresEventStore } from '@parking/event-store';
import { DurableConsumer, RpcClient, startServiceInfrastructure } from '@parking/messaging';
import {
  GracefulShutdown,
  HealthRegistry,
  bootstrapService,
  createLogger,
  loadConfig,
  systemClock,
} from '@parking/platform';
import { AGREEMENT_EVENTS } from '@parking/contracts/agreement';
import { IDENTITY_EVENTS } from '@parking/contracts/identity';
import { configSchema } from './config.js';
import type { Deps } from './deps.js';
import { toIntegrationMessage } from './integration/integration-events.js';
import { scheduleReceiptPurge } from './privacy/receipt-retention.js';
import { userErasedReaction } from './privacy/user-erased.reaction.js';
import { migrations } from './migrations/index.js';
import { OperatorDirectory, operatorsFromIdentity } from './operators/operator-directory.js';
import { PaymentModule } from './payment.module.js';
import { PspRouter } from './psp/psp-router.js';
import { SandboxPsp } from './psp/sandbox-psp.js';
import { StripePsp } from './psp/stripe-psp.js';
import { stripeSettings } from './psp/stripe-settings.js';
import { chargeFirstPeriodReaction } from './reactions/agreement-requested/charge-first-period.reaction.js';
import { agreementChangedReaction } from './reactions/agreement-changed/agreement-changed.reaction.js';
import { RenewalScheduler } from './commands/running-renewals/renewal-scheduler.js';
import { runRenewals } from './commands/running-renewals/run-renewals.js';

export async function bootstrap(): Promise<void> {
  const config = loadConfig(configSchema);
  const logger = createLogger({ name: 'payment-renewal', level: config.LOG_LEVEL });
  const shutdown = new GracefulShutdown(logger, config.SHUTDOWN_TIMEOUT_MS);
  const health = new HealthRegistry();

  const { pool, nc } = await startServiceInfrastructure({
    name: 'payment-renewal',
    config,
    migrations,
    logger,
    health,
    shutdown,
    poolSize: 20,
  });

  const rpc = new RpcClient(nc);
  // Read once at start-up: a missing secret stops the service here, not at the first card.
  const stripeConfig = stripeSettings(config);
  const stripe = stripeConfig ? new StripePsp(stripeConfig) : null;
  if (config.PSP_PROVIDER === 'stripe' && !stripe)
    throw new Error('PSP_PROVIDER=stripe needs STRIPE_SECRET_KEY(_FILE) and STRIPE_WEBHOOK_SECRET(_FILE)');
  logger.info({ stripe: Boolean(stripe), defaultProvider: config.PSP_PROVIDER }, 'card processors');
  const deps: Deps = {
    config,
    logger,
    pool,
    store: new PostgresEventStore(pool),
    rpc,
    clock: systemClock,
    nc,
    health,
    psp: new PspRouter(
      { sandbox: config.NODE_ENV === 'production' ? null : new SandboxPsp(pool), stripe },
      config.PSP_PROVIDER,
    ),
    stripe,
    operators: new OperatorDirectory(operatorsFromIdentity(rpc)),
  };

  const outbox = new OutboxPublisher({ pool, js: jetstream(nc), toMessage: toIntegrationMessage, logger });
  await outbox.start();
  shutdown.add('outbox', () => outbox.stop());

  const firstCharges = new DurableConsumer({
    nc,
    pool,
    durable: `${config.CONSUMER_PREFIX}-agreement-requested`,
    filterSubject: AGREEMENT_EVENTS.requested,
    handle: chargeFirstPeriodReaction(deps),
    // Each purchase's first charge is independent of the others' (its key is agreement + period).
    concurrency: 16,
    logger,
  });
  await firstCharges.start();
  shutdown.add('agreement-requested consumer', () => firstCharges.stop());

  const retryAtOnce = (operatorId: string, agreementId: string) =>
    void runRenewals(deps, { operatorId, agreementId, asOf: deps.clock.now() }).catch((err) =>
      logger.warn({ err, agreementId }, 'the retry after a card change failed; the scheduler tries again'),
    );
  const agreementChanges = new DurableConsumer({
    nc,
    pool,
    durable: `${config.CONSUMER_PREFIX}-agreement-changes`,
    filterSubject: 'parking.agreement.*',
    handle: agreementChangedReaction(deps, retryAtOnce),
    maxAckPending: 16,
    logger,
  });
  await agreementChanges.start();
  shutdown.add('agreement-changes consumer', () => agreementChanges.stop());

  const listOperators = operatorsFromIdentity(rpc);
  const scheduler = new RenewalScheduler(
    deps,
    async () => (await listOperators()).items.map((o) => o.id),
    config.RENEWAL_INTERVAL_MS,
  );
  if (config.RENEWAL_INTERVAL_MS > 0) scheduler.start();
  shutdown.add('renewal scheduler', () => scheduler.stop());
  shutdown.add('receipt purge', scheduleReceiptPurge(pool, systemClock, logger));

  const erasures = new DurableConsumer({
    nc,
    pool,
    durable: `${config.CONSUMER_PREFIX}-user-erased`,
    filterSubject: IDENTITY_EVENTS.userErased,
    handle: userErasedReaction(),
    logger,
  });
  await erasures.start();
  shutdown.add('user-erased consumer', () => erasures.stop());

  health.addCheck('workers', () => {
    if (!erasures.isRunning()) throw new Error('the user-erased consumer is not running');
    if (!outbox.isRunning()) throw new Error('the outbox publisher is not running');
    if (!firstCharges.isRunning()) throw new Error('the agreement-requested consumer is not running');
    if (!agreementChanges.isRunning()) throw new Error('the agreement-changes consumer is not running');
  });

  await bootstrapService({
    name: 'payment-renewal',
    module: PaymentModule.register(deps),
    config,
    logger,
    health,
    nats: nc,
    shutdown,
  });
  shutdown.install();
  logger.info({ port: config.HTTP_PORT }, 'payment-renewal service started');
}
