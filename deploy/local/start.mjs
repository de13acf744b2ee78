// `npm start`: the whole platform on this machine in dev mode — dependencies, build, PostgreSQL and NATS
// (unless DATABASE_URL / NATS_URL are given), every service and the gateway. Ctrl-C stops all it started.
import path from 'node:path';
import { build, ensureDependencies, root } from './prepare.mjs';

const t0 = Date.now();
const dataDir = path.resolve(root, process.env.PARKING_DATA_DIR ?? '.data');
/** Paths inside the checkout relative to it, others absolute. */
const rel = (p) => (p.startsWith(root + path.sep) ? path.relative(root, p) : p);

const started = []; // servers, in start order
let starting = null; // the stack, while and after it starts
let stopping = false;
const aborter = new AbortController();

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  aborter.abort();
  // An aborted start-up stops its own processes; servers go last, after the services.
  await starting?.then(
    (stack) => stack.stop().catch((err) => console.error(`[local] ${err.message}`)),
    () => {},
  );
  await pendingServer;
  for (const s of started.reverse()) await s.stop().catch((err) => console.error(`[local] ${err.message}`));
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stopAll(0));
// `npm start` runs this under a shell that dies of npm's forwarded SIGTERM without passing it on: an
// orphaned start stops what it started.
const parentPid = process.ppid;
setInterval(() => process.ppid !== parentPid && void stopAll(0), 1_000).unref();

/** Starts a server and keeps it to stop later; stopAll waits for one still starting. */
let pendingServer = Promise.resolve();
function startServer(start) {
  if (stopping) return new Promise(() => {}); // stopAll is on its way to exit
  const server = start().then((s) => (started.push(s), s));
  pendingServer = server.catch(() => {});
  return server;
}

try {
  ensureDependencies();
  await build();
} catch (err) {
  console.error(`[local] ${err.message}`);
  process.exit(1);
}

const { localPostgresDataDir, portIsFree, say, startNats, startPostgres } = await import('./servers.mjs');
const { assertBuilt, startStack } = await import('./stack.mjs');
const { DEPLOYABLES } = await import('./services.mjs');
const { startPortal } = await import('./portal.mjs');

/**
 * The fixed dev port when it is free, else undefined/0: the process then binds any free port itself and
 * reports it (we never pick a port for another process to bind later). Should another process take the
 * dev port in between, ours fails to start and says so: it never silently talks to that process.
 */
async function port(preferred, what) {
  if (await portIsFree(preferred)) return preferred;
  say(`port ${preferred} (${what}) is taken: it takes any free port`);
  return 0;
}

try {
  assertBuilt();

  let adminDatabaseUrl = process.env.DATABASE_URL;
  if (adminDatabaseUrl) {
    say(`PostgreSQL: DATABASE_URL (${new URL(adminDatabaseUrl).host})`);
  } else {
    // As root the data is outside the checkout, where the postgres OS user may go (see servers.mjs).
    const pgDataDir = localPostgresDataDir(root, dataDir);
    const pgPort = (await port(55432, 'PostgreSQL')) || undefined;
    say(`starting PostgreSQL (data in ${rel(pgDataDir)})`);
    const pg = await startServer(() => startPostgres({ dataDir: pgDataDir, port: pgPort, detached: true }));
    adminDatabaseUrl = pg.url;
    say(`PostgreSQL ready on ${new URL(pg.url).host}`);
  }
  let natsUrl = process.env.NATS_URL;
  if (natsUrl) {
    say(`NATS: NATS_URL (${natsUrl})`);
  } else {
    const natsPort = (await port(4223, 'NATS')) || undefined;
    say(`starting nats-server (data in ${rel(path.join(dataDir, 'nats'))})`);
    const nats = await startServer(() =>
      startNats({ dataDir: path.join(dataDir, 'nats'), port: natsPort, detached: true }),
    );
    natsUrl = nats.url;
    say(`NATS ready on ${nats.url}`);
  }

  const basePort = Number(process.env.PORT ?? 3000);
  const ports = {};
  for (const d of DEPLOYABLES) ports[d.name] = await port(basePort + (d.port - 3000), d.name);
  const logDir = path.join(dataDir, 'logs');
  const production = process.env.NODE_ENV === 'production';
  if (stopping) await new Promise(() => {}); // stopAll is on its way to exit
  say('starting the services (databases, migrations, demo data)');
  starting = startStack({
    adminDatabaseUrl,
    natsUrl,
    databasePrefix: 'parking',
    ports,
    env: {
      NODE_ENV: process.env.NODE_ENV ?? 'development',
      DEMO_DATA: process.env.DEMO_DATA ?? String(!production),
    },
    logDir,
    readyTimeoutMs: Number(process.env.READY_TIMEOUT_MS ?? 120_000),
    onReady: (name, url) => say(`${name} ready (${url})`),
    onWaiting: (names) => say(`still waiting for ${names.join('; ')}`),
    signal: aborter.signal,
    detached: true,
    onExit: (name, code, signal) =>
      say(`${name} exited (${signal ?? `code ${code}`}): see ${rel(path.join(logDir, `${name}.log`))}`),
  });
  const stack = await starting;

  // The web portal, after the gateway it passes /v1/* to.
  const portalPort = await port(Number(process.env.PORTAL_PORT ?? 8080), 'portal');
  say('starting the portal');
  const portal = await startServer(() =>
    startPortal({
      gatewayUrl: stack.gatewayUrl,
      port: portalPort,
      logFile: path.join(logDir, 'portal.log'),
      env: { NODE_ENV: process.env.NODE_ENV ?? 'development' },
      detached: true,
      onExit: (code, signal) =>
        say(`portal exited (${signal ?? `code ${code}`}): see ${rel(path.join(logDir, 'portal.log'))}`),
    }),
  );

  const g = stack.gatewayUrl;
  for (const d of DEPLOYABLES) {
    say(
      `${d.name.padEnd(16)} ${stack.service(d.name).healthUrl.padEnd(38)} log ${rel(path.join(logDir, `${d.name}.log`))}`,
    );
  }
  say(
    `${'portal'.padEnd(16)} ${`${portal.url}/health/ready`.padEnd(38)} log ${rel(path.join(logDir, 'portal.log'))}`,
  );
  const p = portal.url;
  const portalPortSuffix = new URL(p).port ? `:${new URL(p).port}` : '';
  console.log(`
  The parking platform is running in ${production ? 'production' : 'dev'} mode (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s).

  Web portal       ${p}                 operator by host: http://demo.localhost${portalPortSuffix}, http://fjord.localhost${portalPortSuffix}
                   ${production ? '' : `${p}/?operator=fjord (dev mode)     attendant page: ${p}/#/control, console: ${p}/#/admin`}

  Gateway (API)    ${g}                 ready: ${g}/health/ready
  API docs         ${g}/docs            ${g}/openapi.json
  Dev SMS inbox    ${g}/v1/dev/sms?phone=%2B4791234567
  PostgreSQL       ${adminDatabaseUrl}   (databases parking_*)
  NATS             ${natsUrl}
  Logs             ${rel(logDir)}/<service>.log

  Demo data (operator "demo", the default; "fjord" with header x-operator: fjord):
    customers sign in by SMS code: POST /v1/auth/otp, read the code in the dev SMS inbox
    staff, password demo-password-1: +4790000001 operator, +4790000002 officer (demo);
      +4790000004 operator, +4790000003 officer (fjord); +4790000009 platform
    devices: demo-camera / demo-camera-secret, fjord-camera / fjord-camera-secret

  Try:  curl -s ${g}/v1/cities | jq
        curl -s -X POST ${g}/v1/auth/login -H 'content-type: application/json' \\
          -d '{"phone":"+4790000002","password":"demo-password-1"}' | jq
  The whole journey with curl is in README.md. Ctrl-C stops everything.
`);
} catch (err) {
  if (!stopping) console.error(`[local] ${err.message}`);
  await stopAll(1);
}
