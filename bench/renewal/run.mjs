// Benchmark of the renewal run: BENCH_AGREEMENTS (default 100,000) auto-renewing agreements all due,
// seeded straight into the renewal read model of a fresh payment database, renewed in-process by the
// service's own run function with the sandbox PSP (every card charged, a receipt and an event each).
// Prints agreements/s and proves that a second run at the same instant charges nothing.
// Run: npm run build && node bench/renewal/run.mjs
// Uses DATABASE_URL / NATS_URL when set, else starts a private PostgreSQL and nats-server.
// BENCH_WORKERS (default 4) transactions at once, BENCH_BATCH (200) renewals per transaction.
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { startNats, startPostgres, tempDir } from '../../deploy/local/servers.mjs';
import {
  eventStoreMigrations,
  PostgresEventStore,
  runMigrations,
} from '../../libs/event-store/dist/index.js';
import { messagingMigrations, RpcClient } from '../../libs/messaging/dist/index.js';
import { createLogger, fixedClock } from '../../libs/platform/dist/index.js';
import { runRenewals } from '../../services/payment-renewal/dist/commands/running-renewals/run-renewals.js';
import { migrations } from '../../services/payment-renewal/dist/migrations/index.js';
import { OperatorDirectory } from '../../services/payment-renewal/dist/operators/operator-directory.js';
import { SandboxPsp } from '../../services/payment-renewal/dist/psp/sandbox-psp.js';

const N = Number(process.env.BENCH_AGREEMENTS ?? 100_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
const BATCH = Number(process.env.BENCH_BATCH ?? 200);
const line = (label, value, unit = '') =>
  console.log(`${label.padEnd(56)} ${String(value).padStart(12)} ${unit}`);
const rate = (n) => Math.round(n).toLocaleString('en');

const stops = [];
let adminUrl = process.env.DATABASE_URL;
let natsUrl = process.env.NATS_URL;
if (!adminUrl) {
  const dir = tempDir('bench-renewal-pg-');
  const server = await startPostgres({ dataDir: path.join(dir, 'data') });
  adminUrl = server.url;
  stops.push(server.stop);
}
if (!natsUrl) {
  const server = await startNats({ dataDir: tempDir('bench-renewal-nats-') });
  natsUrl = server.url;
  stops.push(server.stop);
}

const dbName = `bench_renewal_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`create database ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const pool = new pg.Pool({ connectionString: url.toString(), max: 24 });
pool.on('error', () => {});
const nc = await connect({ servers: natsUrl });

try {
  await runMigrations(pool, [...eventStoreMigrations, ...messagingMigrations, ...migrations]);
  const operatorId = randomUUID();
  const productId = randomUUID();
  const validTo = new Date('2027-03-01T23:00:00Z');
  const asOf = new Date(validTo.getTime() - 72 * 3_600_000);
  const seeded = performance.now();
  // One confirmed sandbox card and one due renewal per agreement.
  await pool.query(
    `insert into sandbox_cards (psp_ref, behaviour, confirmed)
     select 'card_bench_' || i, 'succeeds', true from generate_series(1, $1) i`,
    [N],
  );
  await pool.query(
    `insert into payment_methods (operator_id, id, user_id, psp_ref, brand, last4, exp_month, exp_year, status)
     select $2, gen_random_uuid(), 'user-' || i, 'card_bench_' || i, 'visa', '4242', 12, 2030, 'active'
     from generate_series(1, $1) i`,
    [N, operatorId],
  );
  await pool.query(
    `insert into renewals (operator_id, agreement_id, version, user_id, product_id, product_name,
       payment_method_id, vat_rate, plates, status, valid_from, valid_to, auto_renew, period_number,
       period_from, period_to, amount, due_at, retry_at, next_attempt_at)
     select $1, gen_random_uuid(), 2, pm.user_id, $2, 'Ansatt måned', pm.id::text, 25, array['EK12345'],
       'active', $3::timestamptz - interval '1 month', $3, true, 2, $3, $3::timestamptz + interval '1 month',
       125000, $4, array[$3::timestamptz - interval '48 hours', $3::timestamptz], $4
     from payment_methods pm where pm.operator_id = $1`,
    [operatorId, productId, validTo, asOf],
  );
  await pool.query('analyze');
  line(
    'agreements due (seeded in)',
    N.toLocaleString('en'),
    `${((performance.now() - seeded) / 1000).toFixed(1)} s`,
  );

  const operator = {
    id: operatorId,
    name: 'Demo Parkering AS',
    organisationNumber: '999 999 999',
    address: 'Storgata 1',
  };
  const deps = {
    config: { NODE_ENV: 'development' },
    logger: createLogger({ name: 'bench-renewal', level: 'warn' }),
    pool,
    store: new PostgresEventStore(pool),
    rpc: new RpcClient(nc),
    clock: fixedClock(asOf),
    nc,
    psp: new SandboxPsp(pool),
    operators: new OperatorDirectory(async () => ({ items: [operator], defaultOperatorId: operatorId })),
  };

  const started = performance.now();
  const first = await runRenewals(deps, { operatorId, asOf, workers: WORKERS, batchSize: BATCH });
  const seconds = (performance.now() - started) / 1000;
  line('first run: charged', first.charged.toLocaleString('en'), `in ${seconds.toFixed(1)} s`);
  line('renewal run throughput (goal ≥ 1,000)', rate(first.charged / seconds), 'agreements/s');

  const againStarted = performance.now();
  const second = await runRenewals(deps, { operatorId, asOf, workers: WORKERS, batchSize: BATCH });
  line(
    'second run at the same asOf: due / charged',
    `${second.due} / ${second.charged}`,
    `in ${((performance.now() - againStarted) / 1000).toFixed(2)} s`,
  );

  const count = async (sql) => Number((await pool.query(sql)).rows[0].n);
  const psp = await count('select count(*) as n from sandbox_charges');
  const receipts = await count('select count(*) as n from receipts');
  const events = await count(`select count(*) as n from es.events where event_type = 'ChargeSucceeded'`);
  const gapFree = await count('select (max(number) = count(*) and min(number) = 1)::int as n from receipts');
  line('PSP charges / receipts / ChargeSucceeded events', `${psp} / ${receipts} / ${events}`);
  line('receipt numbers gap-free from 1', gapFree ? 'yes' : 'NO');
  const ok =
    first.charged === N && second.charged === 0 && psp === N && receipts === N && events === N && gapFree;
  if (!ok) {
    console.error('FAILED: every agreement charged once, the second run nothing');
    process.exitCode = 1;
  }
} finally {
  await nc.close();
  await pool.end();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
  for (const stop of stops.reverse()) await stop().catch(() => {});
}
