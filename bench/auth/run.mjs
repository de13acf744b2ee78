// Benchmark of authentication: what the gateway's guard costs a request, and how many sign-ins (code
// verified + tokens issued) identity completes per second. Prints figures and ratios against baselines
// measured in the same run, interleaved in short slices so a busy machine skews both sides alike.
// Run: npm run build && node bench/auth/run.mjs   (or `npm run bench:auth`)
// Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) for a whole stack of its own
// (fresh databases, a private nats-server); BENCH_SECONDS (default 6) per side; BENCH_CONNECTIONS (16).
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import pg from 'pg';
import { startStack } from '../../deploy/local/stack.mjs';

const adminDatabaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SLICE_SECONDS = 1;
const line = (label, value, unit = '/s') => console.log(`${label.padEnd(64)} ${value.padStart(9)} ${unit}`);
const rate = (n) => Math.round(n).toLocaleString('en');

async function json(res) {
  const body = await res.json();
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** Requests/s of `url` with `headers` for one slice. */
async function slice(url, headers) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SLICE_SECONDS, headers });
  if (result.non2xx) throw new Error(`${result.non2xx} non-2xx answers from ${url}`);
  return result.requests.total / SLICE_SECONDS;
}

/** Alternates the two sides in one-second slices for SECONDS each; returns their mean rates. */
async function compare(baseline, candidate) {
  const totals = { baseline: 0, candidate: 0 };
  for (let i = 0; i < SECONDS; i++) {
    totals.baseline += await baseline();
    totals.candidate += await candidate();
  }
  return { baseline: totals.baseline / SECONDS, candidate: totals.candidate / SECONDS };
}

/** Sign-ins per second over HTTP with `workers` in parallel, each its own phone and client address. */
async function signIns(gatewayUrl, workers, ms) {
  const deadline = Date.now() + ms;
  let done = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (Date.now() < deadline) {
        const phone = `+479${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
        const address = { 'x-forwarded-for': `10.${w}.${done % 250}.${Math.floor(Math.random() * 250)}` };
        const challenge = await json(
          await fetch(`${gatewayUrl}/v1/auth/otp`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...address },
            body: JSON.stringify({ phone }),
          }),
        );
        const inbox = await json(await fetch(`${gatewayUrl}/v1/dev/sms?phone=${encodeURIComponent(phone)}`));
        const code = /(\d{6})/.exec(inbox.items[0].text)[1];
        await json(
          await fetch(`${gatewayUrl}/v1/auth/otp/verify`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...address },
            body: JSON.stringify({ challengeId: challenge.challengeId, code }),
          }),
        );
        done++;
      }
    }),
  );
  return (done * 1000) / ms;
}

const prefix = `bench_auth_${randomBytes(3).toString('hex')}`;
console.log(`bench/auth: a stack of its own (${prefix}), ${SECONDS}s per side, ${CONNECTIONS} connections`);
// The bench sends each sign-in from its own address (x-forwarded-for), so the per-address limit of
// codes does not stop it; the gateway trusts the loopback proxy for this run only.
const stack = await startStack({
  adminDatabaseUrl,
  databasePrefix: prefix,
  env: { LOG_LEVEL: 'warn', TRUST_PROXY: '127.0.0.1' },
});
try {
  const url = stack.gatewayUrl;
  const login = await json(
    await fetch(`${url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '+4790000001', password: 'demo-password-1' }),
    }),
  );
  const bearer = { authorization: `Bearer ${login.accessToken}` };
  // Warm up both paths (JIT, key fetch, catalogue caches).
  await slice(`${url}/v1/cities`, {});
  await slice(`${url}/v1/cities`, bearer);

  const cities = await compare(
    () => slice(`${url}/v1/cities`, {}),
    () => slice(`${url}/v1/cities`, bearer),
  );
  line('GET /v1/cities, anonymous (baseline)', rate(cities.baseline));
  line('GET /v1/cities, with a verified access token', rate(cities.candidate));
  line('  ratio (goal ≥ 0.90)', (cities.candidate / cities.baseline).toFixed(2), '');

  const operator = await compare(
    () => slice(`${url}/v1/operator`, {}),
    () => slice(`${url}/v1/operator`, bearer),
  );
  line('GET /v1/operator (no NATS hop), anonymous (baseline)', rate(operator.baseline));
  line('GET /v1/operator, with a verified access token', rate(operator.candidate));
  line('  ratio (the guard alone, worst case)', (operator.candidate / operator.baseline).toFixed(2), '');

  const perSecond = await signIns(url, 8, SECONDS * 1000);
  line('sign-ins: code sent + read + verified + tokens issued, 8 in parallel', rate(perSecond));
  const refreshToken = login.refreshToken;
  let token = refreshToken;
  let refreshes = 0;
  const deadline = Date.now() + SECONDS * 1000;
  while (Date.now() < deadline) {
    const next = await json(
      await fetch(`${url}/v1/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: token }),
      }),
    );
    token = next.refreshToken;
    refreshes++;
  }
  line('token refreshes (rotation + new access token), one after another', rate(refreshes / SECONDS));
} finally {
  await stack.stop();
  const admin = new pg.Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  const { rows } = await admin.query('select datname from pg_database where datname like $1', [`${prefix}%`]);
  for (const r of rows) await admin.query(`drop database if exists "${r.datname}" with (force)`);
  await admin.end();
}
