// What every service starts the same way: its database pool (with the event store's, messaging's and
// its own migrations) and its NATS connection with the PARKING stream, each with a health check and a
// shutdown step.
import type { NatsConnection } from '@nats-io/transport-node';
import { runMigrations, type Migration } from '@parking/event-store';
import pg from 'pg';
import { databaseMigrations } from './migrations.js';
import { closeNats, connectNats, ensureParkingStream, type MessagingLogger } from './nats.js';

export interface ServiceInfrastructureOptions {
  name: string;
  config: { DATABASE_URL: string; NATS_URL: string; NATS_STREAM_REPLICAS?: number };
  /** The service's own migrations; the event store's and messaging's come first. */
  migrations: Migration[];
  logger: MessagingLogger;
  health: { addCheck(name: string, check: () => Promise<void> | void): void };
  shutdown: { add(name: string, fn: () => Promise<void> | void): void };
  poolSize?: number;
}

export async function startServiceInfrastructure(
  options: ServiceInfrastructureOptions,
): Promise<{ pool: pg.Pool; nc: NatsConnection }> {
  const { name, config, logger, health, shutdown } = options;
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: options.poolSize ?? 20 });
  // A connection the server ends while idle (restart, failover) must not end the process.
  pool.on('error', (err) => logger.warn({ err: err.message }, 'idle database connection lost'));
  shutdown.add('database', () => pool.end());
  health.addCheck('database', async () => {
    await pool.query('select 1');
  });
  await runMigrations(pool, databaseMigrations(options.migrations));

  const nc = await connectNats({ url: config.NATS_URL, name, logger });
  shutdown.add('nats', () => closeNats(nc));
  await ensureParkingStream(nc, { replicas: config.NATS_STREAM_REPLICAS });
  return { pool, nc };
}
