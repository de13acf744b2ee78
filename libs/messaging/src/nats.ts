// The NATS connection and the PARKING JetStream stream every integration event travels on.
import { jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';

export interface MessagingLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
export const quietLogger: MessagingLogger = { info() {}, warn() {}, error() {} };

export async function connectNats(options: {
  url: string;
  name: string;
  logger?: MessagingLogger;
}): Promise<NatsConnection> {
  const logger = options.logger ?? quietLogger;
  const nc = await connect({
    servers: options.url.split(','),
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
  });
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') logger.warn({ server: s.server }, 'NATS disconnected');
      else if (s.type === 'reconnect') logger.info({ server: s.server }, 'NATS reconnected');
      else if (s.type === 'error') logger.error({ err: s.error }, 'NATS error');
    }
  })();
  return nc;
}

/** Finishes what is in flight, then closes. */
export async function closeNats(nc: NatsConnection): Promise<void> {
  if (nc.isClosed()) return;
  await nc.drain().catch(() => nc.close());
}

export const PARKING_STREAM = 'PARKING';

export async function ensureParkingStream(
  nc: NatsConnection,
  options: { name?: string; subjects?: string[]; duplicateWindowMs?: number; replicas?: number } = {},
): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const config = {
    name: options.name ?? PARKING_STREAM,
    subjects: options.subjects ?? ['parking.>'],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: nanos(options.duplicateWindowMs ?? 10 * 60 * 1000),
    num_replicas: options.replicas ?? 1,
  };
  try {
    const existing = await jsm.streams.info(config.name);
    // A service started with the default of 1 must not shrink a stream an operator raised to 3.
    config.num_replicas = Math.max(config.num_replicas, existing.config.num_replicas ?? 1);
    await jsm.streams.update(config.name, config);
  } catch (err) {
    if (!/not found/i.test(String((err as Error).message))) throw err;
    try {
      await jsm.streams.add(config);
    } catch (addErr) {
      // Another service created it at the same moment.
      if (!/already in use|exists/i.test(String((addErr as Error).message))) throw addErr;
    }
  }
}
