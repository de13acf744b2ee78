// The gateway process: config, logger and signal handling around startGateway.
import { createLogger, GracefulShutdown, loadConfig } from '@parking/platform';
import { configSchema } from './config.js';
import { startGateway } from './gateway.js';

export async function bootstrap(): Promise<void> {
  const config = loadConfig(configSchema);
  const logger = createLogger({ name: 'gateway', level: config.LOG_LEVEL });
  const shutdown = new GracefulShutdown(logger, config.SHUTDOWN_TIMEOUT_MS);
  shutdown.install();
  const { url } = await startGateway(config, logger, shutdown);
  logger.info({ url }, 'gateway started');
}
