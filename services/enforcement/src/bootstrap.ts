// Starts enforcement: the read model and its writers, this replica's in-memory index (loaded from the
// tables, then kept current by its own feeds from the stream), presence, the check log, the
// anonymisation job, and the NATS handlers.
import { PostgresEventStore } from '@parking/event-store';
import { startServiceInfrastructure } from '@parking/messaging';
import {
  bootstrapService,
  createLogger,
  GracefulShutdown,
  HealthRegistry,
  loadConfig,
  systemClock,
} from '@parking/platform';
import { CheckLog } from './checks/check-log.js';
import { Checks } from './checks/checks.js';
import { serveLeanChecks } from './checks/lean-server.js';
import { configSchema } from './config.js';
import { EnforcementModule } from './enforcement.module.js';
import { migrations } from './migrations/index.js';
import { followPresence, loadPresence, resyncPresence } from './observations/observe.js';
import { scheduleAnonymisation } from './privacy/anonymise.js';
import { IndexFeed } from './projections/index-feed.js';
import { PlateIndex } from './projections/plate-index.js';
import { loadIndex, readModelFeeds } from './projections/read-model.js';
import { ReadModelWriter } from './projections/read-model-writer.js';

export async function bootstrap(): Promise<void> {
  const config = loadConfig(configSchema);
  const logger = createLogger({ name: 'enforcement', level: config.LOG_LEVEL });
  const shutdown = new GracefulShutdown(logger, config.SHUTDOWN_TIMEOUT_MS);
  const health = new HealthRegistry();
  const clock = systemClock;

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
  const feedsOf = readModelFeeds();
  const writers: ReadModelWriter[] = [];
  const feeds: IndexFeed[] = [];
  const floors: Record<string, number> = {};
  for (const [name, feed] of Object.entries(feedsOf)) {
    const writer = new ReadModelWriter({
      nc,
      pool,
      durable: `${config.CONSUMER_PREFIX}-${name}`,
      feed,
      logger,
    });
    // Read before the tables: everything up to the floor is in what we load next.
    floors[name] = await writer.ackFloor();
    writers.push(writer);
  }
  await loadIndex(pool, index);
  await loadPresence(pool, index, clock.now());
  logger.info({ agreements: index.size, floors }, 'plate index loaded');
  for (const [name, feed] of Object.entries(feedsOf)) {
    const f = new IndexFeed({ nc, index, name, feed, logger });
    await f.start(floors[name]);
    feeds.push(f);
    shutdown.add(`index feed ${name}`, () => f.stop());
  }
  for (const w of writers) {
    await w.start();
    shutdown.add('read model writer', () => w.stop());
  }
  const presence = followPresence(nc, index);
  shutdown.add('presence', () => presence.unsubscribe());
  const stopResync = resyncPresence(pool, index, clock, logger);
  shutdown.add('presence resync', stopResync);
  const prune = setInterval(() => index.prunePresence(clock.now().getTime() - 2 * 3_600_000), 60_000);
  prune.unref();
  health.addCheck('read model', () => {
    if (![...writers, ...feeds].every((c) => c.isRunning()))
      throw new Error('a feed or writer is not running');
  });

  const checkLog = new CheckLog(pool, logger);
  checkLog.start();
  shutdown.add('check log', () => checkLog.stop());
  const lean = serveLeanChecks({ nc, checks: new Checks(index, checkLog), clock, logger });
  shutdown.add('lean checks', () => lean.stop());
  const stopAnonymising = scheduleAnonymisation(pool, clock, logger);
  shutdown.add('anonymisation', stopAnonymising);

  await bootstrapService({
    name: 'enforcement',
    module: EnforcementModule.register({
      pool,
      nc,
      store: new PostgresEventStore(pool),
      index,
      checkLog,
      clock,
    }),
    config,
    logger,
    health,
    nats: nc,
    shutdown,
  });
  shutdown.install();
  logger.info({ port: config.HTTP_PORT }, 'enforcement service started');
}
