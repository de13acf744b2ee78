// Benchmark of enforcement. Prints figures, and ratios against a baseline measured in the same run, each
// with its goal:
// - GET /v1/enforcement/check through the gateway (the lean path), 50 connections, with 100,000
//   agreements in the index, against a bare Fastify route making one NATS request answered with a fixed
//   reply: ratio goal ≥ 0.8 (stretch 1.0), and its p99;
// - POST /v1/enforcement/checks with 1,000 plates: the service's time per batch (decode, checks, body,
//   check log; goal p99 ≤ 10 ms), the HTTP round trip, and plates/s with 4 cameras at once;
// - how soon a vehicle change is answered by the check (goal p99 ≤ 200 ms);
// - the rebuild of the read model from the latest events and the stream's tail (goal ≥ 30,000 events/s);
// - the index's memory for 1,000,000 agreements (goal ≤ 400 bytes per agreement).
// The machine's load is printed first and last: run it on a quiet machine, nothing else meanwhile.
// Run: npm run build && node bench/enforcement/run.mjs
// DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) gets a stack of its own (fresh
// databases, a private nats-server). BENCH_SECONDS (5) per side, BENCH_AGREEMENTS (100000),
// BENCH_MEMORY_AGREEMENTS (1000000).
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstream } from '@nats-io/jetstream';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import autocannon from 'autocannon';
import pg from 'pg';
import { startStack } from '../../deploy/local/stack.mjs';
import { CheckLog } from '../../services/enforcement/dist/checks/check-log.js';
import { Checks } from '../../services/enforcement/dist/checks/checks.js';
import { answerLean } from '../../services/enforcement/dist/checks/lean-server.js';
import { encodeLeanCheck } from '../../libs/contracts/dist/enforcement/index.js';
import { PlateIndex } from '../../services/enforcement/dist/projections/plate-index.js';
import { formatProgress } from '../../services/enforcement/dist/rebuild/progress.js';
import { rebuildReadModel } from '../../services/enforcement/dist/rebuild/rebuild.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const adminDatabaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const AGREEMENTS = Number(process.env.BENCH_AGREEMENTS ?? 100_000);
const MEMORY_AGREEMENTS = Number(process.env.BENCH_MEMORY_AGREEMENTS ?? 1_000_000);
const CONNECTIONS = 50;
const DEMO = '00000000-0000-4000-8000-000000000001';
const line = (label, value, unit = '') =>
  console.log(`${label.padEnd(66)} ${String(value).padStart(10)} ${unit}`);
const rate = (n) => Math.round(n).toLocaleString('en');
const plateOf = (i) => `BE${String(i).padStart(7, '0')}`;
const percentile = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

async function json(res) {
  const body = await res.json();
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  return body;
}
const post = (url, body, token) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

function child(args) {
  const p = spawn(process.execPath, [path.join(here, 'baseline.mjs'), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    p.stdout.once('data', (line) => {
      p.port = Number(/ready (\d+)/.exec(String(line))?.[1]);
      resolve(p);
    });
    p.once('exit', (code) => reject(new Error(`baseline ${args[0]} exited ${code}`)));
  });
}

async function slice(options) {
  const r = await autocannon({ connections: CONNECTIONS, duration: 1, ...options });
  if (r.non2xx || r.errors) throw new Error(`${r.non2xx} non-2xx, ${r.errors} errors from ${options.url}`);
  return { rps: r.requests.total, p99: r.latency.p99 };
}

/** Alternates the two sides in one-second slices, so a busy machine skews both alike. */
async function compare(baseline, candidate) {
  const b = [];
  const c = [];
  for (let i = 0; i < SECONDS; i++) {
    b.push(await slice(baseline));
    c.push(await slice(candidate));
  }
  const mean = (xs, k) => xs.reduce((s, x) => s + x[k], 0) / xs.length;
  return {
    baseline: { rps: mean(b, 'rps'), p99: Math.max(...b.map((x) => x.p99)) },
    candidate: { rps: mean(c, 'rps'), p99: Math.max(...c.map((x) => x.p99)) },
  };
}

async function publishAgreements(nc, zoneIds, n) {
  const js = jetstream(nc);
  const from = Date.now() - 86_400_000;
  const inFlight = new Set();
  for (let i = 0; i < n; i++) {
    const agreementId = randomUUID();
    const h = natsHeaders();
    h.set('x-operator-id', DEMO);
    h.set('x-event-type', 'AgreementActivated');
    h.set('x-stream-id', `agreement-${agreementId}`);
    h.set('x-stream-version', '2');
    const snapshot = {
      agreementId,
      status: 'active',
      vehicles: [{ plate: plateOf(i), country: 'NO' }],
      zoneIds,
      validFrom: new Date(from).toISOString(),
      validTo: new Date(from + 30 * 86_400_000).toISOString(),
    };
    const p = js
      .publish(
        'parking.agreement.AgreementActivated',
        JSON.stringify({ agreementId, userId: 'bench', snapshot }),
        {
          headers: h,
          msgID: agreementId,
        },
      )
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= 256) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(`load average (1, 5, 15 min) at the start: ${load()}`);
const prefix = `bench_enf_${randomBytes(3).toString('hex')}`;
console.log(
  `bench/enforcement: a stack of its own (${prefix}), ${SECONDS}s per side, ${CONNECTIONS} connections`,
);
const stack = await startStack({ adminDatabaseUrl, databasePrefix: prefix, env: { LOG_LEVEL: 'warn' } });
const children = [];
const nc = await connect({ servers: stack.natsUrl });
const enforcementDb = new pg.Pool({ connectionString: stack.service('enforcement').databaseUrl, max: 2 });
try {
  const url = stack.gatewayUrl;
  const officer = (
    await json(await post(`${url}/v1/auth/login`, { phone: '+4790000002', password: 'demo-password-1' }))
  ).accessToken;
  const camera = (
    await json(
      await post(`${url}/v1/auth/token`, { clientId: 'demo-camera', clientSecret: 'demo-camera-secret' }),
    )
  ).accessToken;
  const tonsberg = (await json(await fetch(`${url}/v1/cities`))).items.find((c) => c.name === 'Tønsberg');
  const hospital = (await json(await fetch(`${url}/v1/cities/${tonsberg.id}/locations`))).items[0];
  const zoneIds = hospital.zones.map((z) => z.id);
  const p1 = zoneIds[0];

  let t = performance.now();
  await publishAgreements(nc, zoneIds, AGREEMENTS);
  const published = performance.now() - t;
  const last = `${url}/v1/enforcement/check?plate=${plateOf(AGREEMENTS - 1)}&zone=${p1}`;
  const auth = { authorization: `Bearer ${officer}` };
  for (;;) {
    const r = await json(await fetch(last, { headers: auth }));
    if (r.allowed) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const indexed = performance.now() - t;
  for (;;) {
    const { rows } = await enforcementDb.query('select count(*)::int as n from agreement_validity');
    if (rows[0].n >= AGREEMENTS) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const written = performance.now() - t;
  line(
    `${rate(AGREEMENTS)} agreement events published to JetStream`,
    rate((AGREEMENTS * 1000) / published),
    'events/s',
  );
  line(
    '  … answered by the index (every replica follows the stream)',
    rate((AGREEMENTS * 1000) / indexed),
    'events/s',
  );
  line(
    '  … written to the read model (batched transactions)',
    rate((AGREEMENTS * 1000) / written),
    'events/s',
  );

  // Throughput: gateway → NATS → enforcement against a bare Fastify → NATS → fixed reply.
  children.push(await child(['responder', stack.natsUrl]));
  const server = await child(['server', stack.natsUrl, '0']);
  children.push(server);
  const basePort = server.port;
  let n = 0;
  const checkRequests = {
    url,
    headers: auth,
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          path: `/v1/enforcement/check?plate=${plateOf(n++ % AGREEMENTS)}&zone=${p1}`,
        }),
      },
    ],
  };
  const baselineRequests = { url: `http://127.0.0.1:${basePort}/check?plate=BE0000001&zone=${p1}` };
  await slice(baselineRequests);
  await slice(checkRequests);
  const cmp = await compare(baselineRequests, checkRequests);
  line('bare Fastify + one NATS request (baseline)', rate(cmp.baseline.rps), 'req/s');
  line('  p99', cmp.baseline.p99, 'ms');
  line(
    `GET /v1/enforcement/check via the gateway (${rate(AGREEMENTS)} in the index)`,
    rate(cmp.candidate.rps),
    'req/s',
  );
  line('  p99', cmp.candidate.p99, 'ms');
  line('  ratio (goal ≥ 0.80, stretch 1.00)', (cmp.candidate.rps / cmp.baseline.rps).toFixed(2));

  // Batches of 1,000 plates: half known, half not.
  const plates = Array.from({ length: 1000 }, (_, i) =>
    i % 2 ? plateOf(i * 97) : `NX${String(i).padStart(6, '0')}`,
  );
  const batchBody = JSON.stringify({ zone: p1, plates });
  const times = [];
  for (let i = 0; i < 100; i++) {
    t = performance.now();
    const r = await json(await post(`${url}/v1/enforcement/checks`, JSON.parse(batchBody), camera));
    times.push(performance.now() - t);
    if (r.items.length !== 1000) throw new Error('short batch');
  }
  line(
    'POST /v1/enforcement/checks, 1,000 plates, one at a time: p50',
    percentile(times, 50).toFixed(1),
    'ms',
  );
  line('  p99 (HTTP round trip: gateway, NATS, service)', percentile(times, 99).toFixed(1), 'ms');
  const batches = await autocannon({
    url: `${url}/v1/enforcement/checks`,
    method: 'POST',
    connections: 4,
    duration: SECONDS,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${camera}` },
    body: batchBody,
  });
  line('  plates/s with 4 cameras at once', rate((batches.requests.total * 1000) / SECONDS), 'plates/s');

  // The service's own time per batch: its handler on an index of the same size, in this process.
  const index = new PlateIndex();
  const from = Date.now() - 86_400_000;
  index.addZone({
    operatorId: DEMO,
    zoneId: p1,
    locationId: 'l',
    name: 'P1',
    timeZone: 'Europe/Oslo',
    maxStayHours: 24,
  });
  for (let i = 0; i < AGREEMENTS; i++)
    index.upsert({
      operatorId: DEMO,
      agreementId: `a-${i}`,
      status: 'active',
      vehicles: [{ plate: plateOf(i), country: 'NO' }],
      zoneIds,
      validFrom: from,
      validTo: from + 30 * 86_400_000,
      version: 2,
    });
  // What the service does per batch on the lean path: decode the request, validate, 1,000 checks, the
  // body, and the check log's record (its writing happens later, off the hot path).
  // The check log as the service runs it: buffered, written to the stack's own table every half second.
  const checkLog = new CheckLog(enforcementDb, { warn() {} });
  checkLog.start();
  const checks = new Checks(index, checkLog);
  const leanRequest = encodeLeanCheck({
    operatorId: DEMO,
    caller: 'device:d',
    roles: ['device'],
    zoneScope: null,
    correlationId: 'b',
    traceparent: null,
    zone: p1,
    at: null,
    vehicles: plates.map((plate) => ({ plate, country: 'NO' })),
  });
  const quiet = { error() {} };
  const inProcess = [];
  for (let i = 0; i < 1_000; i++) {
    t = performance.now();
    const { outcome } = answerLean(checks, 'enforcement.checks', leanRequest, new Date(), quiet);
    inProcess.push(performance.now() - t);
    if (outcome !== 'ok') throw new Error(`lean batch: ${outcome}`);
  }
  line(
    '  server time per batch (decode, 1,000 checks, body, log; p50)',
    percentile(inProcess.slice(100), 50).toFixed(2),
    'ms',
  );
  line('  server time per batch (p99; goal ≤ 10 ms)', percentile(inProcess.slice(100), 99).toFixed(2), 'ms');
  await checkLog.stop();

  // Lag: a vehicle change over HTTP until the check answers with it.
  const customer = await (async () => {
    const phone = `+4791${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    const c = await json(await post(`${url}/v1/auth/otp`, { phone }));
    const inbox = await json(await fetch(`${url}/v1/dev/sms?phone=${encodeURIComponent(phone)}`));
    const code = /(\d{6})/.exec(inbox.items[0].text)[1];
    return (await json(await post(`${url}/v1/auth/otp/verify`, { challengeId: c.challengeId, code })))
      .accessToken;
  })();
  const card = await json(await post(`${url}/v1/payment-methods`, { token: 'tok_visa' }, customer));
  const day = (await json(await fetch(`${url}/v1/locations/${hospital.id}/products`))).items.find(
    (p) => p.name === 'Døgnparkering',
  );
  const agreement = await json(
    await post(
      `${url}/v1/agreements`,
      {
        productId: day.id,
        vehicles: [{ plate: 'LG000000' }],
        acceptedTermsId: day.termsId,
        paymentMethodId: card.id,
      },
      customer,
    ),
  );
  const lags = [];
  for (let i = 1; i <= 30; i++) {
    const plate = `LG${String(i).padStart(6, '0')}`;
    const res = await fetch(`${url}/v1/agreements/${agreement.id}/vehicles`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${customer}` },
      body: JSON.stringify({ vehicles: [{ plate }] }),
    });
    if (!res.ok) throw new Error(`vehicle change: ${res.status} ${await res.text()}`);
    t = performance.now();
    for (;;) {
      const r = await json(
        await fetch(`${url}/v1/enforcement/check?plate=${plate}&zone=${p1}`, { headers: auth }),
      );
      if (r.allowed) break;
      if (performance.now() - t > 5_000) throw new Error('a vehicle change never showed');
    }
    lags.push(performance.now() - t);
  }
  line('vehicle change answered by the check, after the 200: p50', percentile(lags, 50).toFixed(0), 'ms');
  line('  p99 (goal ≤ 200 ms)', percentile(lags, 99).toFixed(0), 'ms');

  // Rebuild into the stack's own read model, from the latest events (kept by the writers) and the tail.
  let lastProgress = 0;
  const rebuilt = await rebuildReadModel({
    pool: enforcementDb,
    nc,
    // The stack's services run with a consumer prefix of their own (deploy/local/stack.mjs).
    consumerPrefix: `${prefix}-enforcement`,
    onProgress: (p) => {
      if (p.phase !== 'done' && performance.now() - lastProgress < 1_000) return;
      lastProgress = performance.now();
      console.log(`  ${formatProgress('rebuild', p)}`);
    },
  });
  line(
    `rebuild: ${rate(rebuilt.events)} events (${rate(rebuilt.fromStream)} from the stream) → ${rate(rebuilt.agreements)} agreements in ${Math.round(rebuilt.ms)} ms`,
    rate((rebuilt.events * 1000) / rebuilt.ms),
    'events/s',
  );
  line('  (goal ≥ 30,000 events/s)', '');

  // Memory of one replica's index, in a process of its own with a clean heap.
  const memory = await new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=4096', path.join(here, 'memory.mjs'), String(MEMORY_AGREEMENTS)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`memory bench exited ${code}`)),
    );
  });
  line(`index memory for ${rate(memory.agreements)} agreements`, (memory.bytes / 2 ** 20).toFixed(0), 'MiB');
  line('  per agreement (goal ≤ 400)', Math.round(memory.bytes / memory.agreements), 'bytes');
  console.log(`load average (1, 5, 15 min) at the end: ${load()}`);
} finally {
  for (const c of children) c.kill('SIGTERM');
  await nc.close();
  await enforcementDb.end();
  await stack.stop();
  const admin = new pg.Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  const { rows } = await admin.query('select datname from pg_database where datname like $1', [`${prefix}%`]);
  for (const r of rows) await admin.query(`drop database if exists "${r.datname}" with (force)`);
  await admin.end();
}
