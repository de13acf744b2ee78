// `npm run rebuild:read-model -w @parking/enforcement`: recreates enforcement's read model from the
// latest events and the stream's tail (DATABASE_URL, NATS_URL, CONSUMER_PREFIX), printing its progress.
// Running replicas keep their indexes; restart them to load it.
import { closeNats, connectNats, ensureParkingStream } from '@parking/messaging';
import { eventStoreMigrations, runMigrations } from '@parking/event-store';
import { messagingMigrations } from '@parking/messaging';
import pg from 'pg';
import { migrations } from '../migrations/index.js';
import { progressPrinter } from './progress.js';
import { rebuildReadModel } from './rebuild.js';

const databaseUrl = process.env.DATABASE_URL;
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
if (!databaseUrl) {
  console.error('DATABASE_URL is not set');
  process.exit(1);
}
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
const nc = await connectNats({ url: natsUrl, name: 'enforcement-rebuild' });
try {
  await runMigrations(pool, [...eventStoreMigrations, ...messagingMigrations, ...migrations]);
  await ensureParkingStream(nc);
  const result = await rebuildReadModel({
    pool,
    nc,
    consumerPrefix: process.env.CONSUMER_PREFIX ?? 'enforcement',
    onProgress: progressPrinter('enforcement/read-model'),
  });
  console.log(
    `read model rebuilt from ${result.events} events (${result.fromStream} from the stream, the rest from ` +
      `latest_events) in ${Math.round(result.ms)} ms: ${result.agreements} agreements, ${result.zones} zones, ` +
      `${result.operators} operators` +
      (result.replayedWhole.length
        ? `; replayed from the stream's start: ${result.replayedWhole.join(', ')}`
        : ''),
  );
} finally {
  await closeNats(nc);
  await pool.end();
}
