// `npm run rebuild -- agreement <projection>`: recreates one of this service's read models from its
// events while the service runs (DATABASE_URL), printing its progress.
import { eventStoreMigrations, runMigrations } from '@parking/event-store';
import { messagingMigrations } from '@parking/messaging';
import pg from 'pg';
import { migrations } from '../migrations/index.js';
import { rebuildAgreements } from './agreements.js';
import { progressPrinter } from './progress.js';

const PROJECTIONS: Record<string, typeof rebuildAgreements> = { agreements: rebuildAgreements };

const projection = process.argv[2];
const rebuild = projection ? PROJECTIONS[projection] : undefined;
if (!rebuild) {
  console.error(`usage: rebuild agreement <projection>; projections: ${Object.keys(PROJECTIONS).join(', ')}`);
  process.exit(2);
}
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
try {
  await runMigrations(pool, [...eventStoreMigrations, ...messagingMigrations, ...migrations]);
  const result = await rebuild(pool, progressPrinter(`agreement/${projection}`));
  console.log(
    `agreement/${projection} rebuilt from ${result.handled} events in ${(result.ms / 1000).toFixed(1)} s and switched in`,
  );
} finally {
  await pool.end();
}
