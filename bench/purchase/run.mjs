// Benchmark of purchases through the gateway: 32 customers buying the demo day product at once, each
// purchase answered 201 `active` (the first charge settled within the request). Prints purchases/s and
// p50/p99 latency, and — as the baseline measured in the same run — an authenticated read that crosses
// the same gateway and NATS hop (GET /v1/agreements), so the ratio shows what a purchase costs beyond it.
// Run: npm run build && node bench/purchase/run.mjs   (or `npm run bench:purchase`)
// Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) for a stack of its own;
// BENCH_SECONDS (default 10) per side, BENCH_CONNECTIONS (default 32).
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import pg from 'pg';
import { startStack } from '../../deploy/local/stack.mjs';

const adminDatabaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const line = (label, value, unit = '') =>
  console.log(`${label.padEnd(60)} ${String(value).padStart(9)} ${unit}`);

async function json(res) {
  const body = await res.json();
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function signIn(url, phone, n) {
  // Each customer from its own address: the codes' per-address limit (30 in 15 minutes) stays out of it.
  const post = (path, body, token) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': `10.9.${Math.floor(n / 250)}.${n % 250}`,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    }).then(json);
  const challenge = await post('/v1/auth/otp', { phone });
  const inbox = await json(await fetch(`${url}/v1/dev/sms?phone=${encodeURIComponent(phone)}`));
  const code = /(\d{6})/.exec(inbox.items[0].text)[1];
  const { accessToken } = await post('/v1/auth/otp/verify', { challengeId: challenge.challengeId, code });
  const card = await post('/v1/payment-methods', { token: 'tok_visa' }, accessToken);
  return { token: accessToken, card: card.id };
}

/** One autocannon run; `request(i)` builds the i-th request. */
async function load(url, request) {
  let i = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [{ setupRequest: (req) => ({ ...req, ...request(i++) }) }],
  });
  return {
    rate: result.requests.total / SECONDS,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    statuses: result.statusCodeStats,
  };
}

const prefix = `bench_purchase_${randomBytes(3).toString('hex')}`;
console.log(
  `bench/purchase: a stack of its own (${prefix}), ${SECONDS}s per side, ${CONNECTIONS} connections`,
);
const stack = await startStack({
  adminDatabaseUrl,
  databasePrefix: prefix,
  env: { LOG_LEVEL: 'warn', TRUST_PROXY: '127.0.0.1' },
});
try {
  const url = stack.gatewayUrl;
  const customers = [];
  for (let n = 0; n < CONNECTIONS; n++) {
    customers.push(await signIn(url, `+4796${String(n).padStart(6, '0')}`, n));
  }
  const cities = await json(await fetch(`${url}/v1/cities`));
  const tonsberg = cities.items.find((c) => c.name === 'Tønsberg');
  const [hospital] = (await json(await fetch(`${url}/v1/cities/${tonsberg.id}/locations`))).items;
  const day = (await json(await fetch(`${url}/v1/locations/${hospital.id}/products`))).items.find(
    (p) => p.name === 'Døgnparkering',
  );
  const purchase = (i) => {
    const c = customers[i % customers.length];
    return {
      method: 'POST',
      path: '/v1/agreements',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` },
      body: JSON.stringify({
        productId: day.id,
        vehicles: [{ plate: `BP${String(i % 100000).padStart(5, '0')}` }],
        acceptedTermsId: day.termsId,
        paymentMethodId: c.card,
      }),
    };
  };
  const read = (i) => ({
    method: 'GET',
    path: '/v1/agreements',
    headers: { authorization: `Bearer ${customers[i % customers.length].token}` },
  });

  await load(url, read); // warm-up
  const baseline = await load(url, read);
  const bought = await load(url, purchase);
  line('GET /v1/agreements (baseline)', Math.round(baseline.rate), '/s');
  line('  p50 / p99', `${baseline.p50} / ${baseline.p99}`, 'ms');
  line('POST /v1/agreements → 201 active', Math.round(bought.rate), '/s  (goal ≥ 200/s)');
  line('  p50 / p99', `${bought.p50} / ${bought.p99}`, 'ms  (goal p99 ≤ 250 ms)');
  line('  ratio purchases / baseline reads', (bought.rate / baseline.rate).toFixed(2));
  line('  answers other than 2xx, errors', `${bought.non2xx}, ${bought.errors}`);
  console.log(`  status codes: ${JSON.stringify(bought.statuses)}`);
} finally {
  await stack.stop();
  const admin = new pg.Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  const { rows } = await admin.query('select datname from pg_database where datname like $1', [`${prefix}%`]);
  for (const r of rows) await admin.query(`drop database if exists "${r.datname}" with (force)`);
  await admin.end();
}
