// Benchmark of the event store: prints figures and ratios against baselines measured in the same run,
// interleaved in short slices so a busy shared machine skews both sides alike.
// Run: npx tsc -b libs/event-store && node bench/event-store/run.mjs
// Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) and NATS_URL (default
// nats://127.0.0.1:4222); creates its own database and JetStream stream and drops them afterwards.
// BENCH_SECONDS (default 4) is the time per phase and side.
import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, nanos } from '@nats-io/transport-node';
import pg from 'pg';
import {
  OutboxPublisher,
  PostgresEventStore,
  eventStoreMigrations,
  runMigrations,
} from '../../libs/event-store/dist/index.js';

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const SLICE_MS = 500;
const suffix = randomBytes(4).toString('hex');
const dbName = `bench_es_${suffix}`;

const metadata = { operatorId: '00000000-0000-4000-8000-000000000001', correlationId: 'bench' };
const data = {
  agreementId: 'a',
  vehicles: [{ plate: 'EK12345', country: 'NO' }],
  price: { amount: 125000, currency: 'NOK' },
};
const line = (label, value, unit = '/s') => console.log(`${label.padEnd(62)} ${value.padStart(9)} ${unit}`);
const rate = (n) => Math.round(n).toLocaleString('en');

/** Runs `writers` loops of `op` for `ms`; returns operations done. */
async function run(writers, ms, op) {
  const deadline = performance.now() + ms;
  let n = 0;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      while (performance.now() < deadline) {
        await op(w);
        n++;
      }
    }),
  );
  return n;
}

/** Alternates baseline and candidate in slices for SECONDS each; returns their rates per second. */
async function compare(writers, baseline, candidate) {
  const totals = { baseline: 0, candidate: 0 };
  const slices = Math.max(1, Math.round((SECONDS * 1000) / SLICE_MS));
  for (let i = 0; i < slices; i++) {
    totals.baseline += await run(writers, SLICE_MS, baseline);
    totals.candidate += await run(writers, SLICE_MS, candidate);
  }
  const seconds = (slices * SLICE_MS) / 1000;
  return { baseline: totals.baseline / seconds, candidate: totals.candidate / seconds };
}

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`create database ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const pool = new pg.Pool({ connectionString: url.toString(), max: 16 });
pool.on('error', () => {}); // idle connections end when the database is dropped
let nc;
let jsm;
let stream;

try {
  await runMigrations(pool, eventStoreMigrations);
  // The baseline: the same row shape and indexes as es.events, one plain INSERT per row.
  await pool.query(`create table baseline_rows (id bigint generated always as identity primary key,
    tx xid8 not null default pg_current_xact_id(), stream_id text, version int, event_id uuid unique,
    event_type text, data jsonb, metadata jsonb, created_at timestamptz default now(),
    unique (stream_id, version));
    create index on baseline_rows (tx, id)`);
  const store = new PostgresEventStore(pool);
  let row = 0;
  const insert = () =>
    pool.query({
      name: 'baseline_insert',
      text: `insert into baseline_rows (stream_id, version, event_id, event_type, data, metadata)
             values ($1, 1, gen_random_uuid(), 'VehiclesChanged', $2, $3)`,
      values: [`s-${row++}`, data, metadata],
    });
  const versions = new Map();
  const append = async (w) => {
    const streamId = `agreement-${w}-${suffix}`;
    const v = versions.get(streamId) ?? 0;
    await store.append(streamId, [{ type: 'VehiclesChanged', data, metadata }], {
      expectedVersion: v === 0 ? 'no_stream' : v,
    });
    versions.set(streamId, v + 1);
  };

  console.log(`event store benchmark (${SECONDS} s per side and phase, servers on this machine)\n`);
  const seq = await compare(1, insert, append);
  line('baseline: single-row INSERT, sequential', rate(seq.baseline));
  line('append, one event, exact expected version, sequential', rate(seq.candidate));
  line('ratio append / INSERT (goal >= 0.8)', (seq.candidate / seq.baseline).toFixed(2), '');
  console.log();

  const par = await compare(8, insert, append);
  line('baseline: single-row INSERT, 8 concurrent writers', rate(par.baseline));
  line('append, 8 writers on distinct streams (goal >= 5,000/s)', rate(par.candidate));
  line('ratio append / INSERT, 8 writers', (par.candidate / par.baseline).toFixed(2), '');
  console.log();

  // Outbox: publish every event appended above into JetStream from a standing start.
  nc = await connect({ servers: natsUrl });
  jsm = await jetstreamManager(nc);
  stream = `BENCH_ES_${suffix.toUpperCase()}`;
  await jsm.streams.add({
    name: stream,
    subjects: [`bench${suffix}.>`],
    duplicate_window: nanos(10 * 60 * 1000),
  });
  const js = jetstream(nc);
  const { rows } = await pool.query('select count(*)::int as n from es.events');
  const raw = Math.min(rows[0].n, 20_000);
  const rawStart = performance.now();
  const pending = [];
  for (let i = 0; i < raw; i++) {
    pending.push(js.publish(`bench${suffix}.raw`, JSON.stringify(data), { msgID: `raw-${i}` }));
    if (pending.length >= 256) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  const rawRate = raw / ((performance.now() - rawStart) / 1000);
  line('baseline: JetStream publish, 256 in flight', rate(rawRate));

  const outbox = new OutboxPublisher({
    pool,
    js,
    toMessage: (e) => ({ subject: `bench${suffix}.${e.type}`, data: e.data }),
  });
  const t0 = performance.now();
  const deadline = t0 + SECONDS * 2000;
  let published = 0;
  while (performance.now() < deadline) {
    const r = await outbox.step();
    published += r?.handled ?? 0;
    if (r && !r.full && !r.pending) break;
  }
  const outboxRate = published / ((performance.now() - t0) / 1000);
  await outbox.stop();
  line(`outbox into JetStream, ${published.toLocaleString('en')} events (goal >= 5,000/s)`, rate(outboxRate));
  line('ratio outbox / raw publish', (outboxRate / rawRate).toFixed(2), '');
  const info = await jsm.streams.info(stream);
  line('events in the JetStream stream (outbox + raw)', info.state.messages.toLocaleString('en'), '');
} finally {
  if (jsm && stream) await jsm.streams.delete(stream).catch(() => {});
  await nc?.close();
  await pool.end();
  await admin.query(`drop database ${dbName} with (force)`);
  await admin.end();
}
