// Runs the whole platform as child processes: every service on its own database, and the gateway.
// Used by `npm start` and by the e2e journeys (each with its own database prefix and ports).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNats, tempDir, waitForPortFile } from './servers.mjs';
import { DEPLOYABLES, GATEWAY, SERVICES } from './services.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TAIL_LINES = 30;

export function mainOf(d) {
  return path.join(root, d.dir, 'dist', 'main.js');
}

/** Refuses early, before any server or database is touched, when a deployable was not built. */
export function assertBuilt() {
  const missing = DEPLOYABLES.filter((d) => !fs.existsSync(mainOf(d))).map((d) => `${d.dir}/dist/main.js`);
  if (missing.length) throw new Error(`${missing.join(', ')} missing: run npm run build`);
}

async function createDatabases(adminDatabaseUrl, names) {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query('select datname from pg_database');
    const existing = new Set(rows.map((r) => r.datname));
    for (const name of names) {
      if (existing.has(name)) continue;
      try {
        await admin.query(`create database "${name}"`);
      } catch (err) {
        // Two stacks starting at once on one server may race to create the same database.
        if (err.code !== '42P04') throw err;
      }
    }
  } finally {
    await admin.end();
  }
}

function databaseUrl(adminDatabaseUrl, name) {
  const u = new URL(adminDatabaseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The last lines a process wrote: kept in memory when piped, read back from its file otherwise. */
function tailOf(entry) {
  if (entry.lines) return entry.lines.join('\n') || '(no output)';
  try {
    return fs.readFileSync(entry.logFile, 'utf8').trimEnd().split('\n').slice(-TAIL_LINES).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Why a /health/ready reply is not ready: the checks that are down, e.g. "demo-data: not ready yet". */
function notReadyReason(status, body) {
  const down = Object.entries(body?.checks ?? {})
    .filter(([, c]) => c?.status !== 'ok')
    .map(([name, c]) => `${name}${c?.error ? `: ${c.error}` : ''}`);
  return down.length ? down.join(', ') : `HTTP ${status}`;
}

/**
 * Polls `url` until it answers 200; `onReason` hears why it is not ready yet. False when `isAlive`
 * turns false, `signal` aborts or the time is up.
 */
async function waitReady(url, timeoutMs, isAlive, signal, onReason = () => {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive() || signal?.aborted) return false;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), 2_000);
    try {
      const res = await fetch(url, { signal: timeout.signal });
      if (res.status === 200) return true;
      onReason(notReadyReason(res.status, await res.json().catch(() => null)));
    } catch {
      onReason('no answer yet');
    } finally {
      clearTimeout(timer);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** "; last log: <its message>" from a process's last log line (JSON or not), or "". */
function lastSaidIn(entry) {
  const line = entry ? tailOf(entry).split('\n').at(-1) : '';
  if (!line || line.startsWith('(no ')) return '';
  let said = line;
  try {
    said = JSON.parse(line).msg ?? line;
  } catch {
    /* not JSON */
  }
  return `; last log: ${String(said).slice(0, 80)}`;
}

/** @param {import('./stack.d.mts').StackOptions} options */
export async function startStack(options) {
  assertBuilt();
  const prefix = options.databasePrefix ?? 'parking';
  // Without a log directory and without onLog the output still goes somewhere, for the error message.
  const logDir = options.logDir ?? (options.onLog ? null : tempDir(`parking-stack-${prefix}-`));
  if (logDir) fs.mkdirSync(logDir, { recursive: true });

  const databases = Object.fromEntries(SERVICES.map((s) => [s.name, s.database.replace(/^parking/, prefix)]));
  await createDatabases(options.adminDatabaseUrl, Object.values(databases));

  // Each stack needs a NATS of its own: request subjects and the PARKING stream are not namespaced.
  let nats = null;
  let natsDir = null;
  let natsUrl = options.natsUrl;
  if (!natsUrl) {
    natsDir = tempDir('parking-stack-nats-');
    nats = await startNats({ dataDir: natsDir });
    natsUrl = nats.url;
  }

  // The port each process is asked to bind (0: any free one), and the one it reports it bound. The
  // parent never picks a "free" port for a child: another process could take it before the child
  // binds it, and the parent would then talk to that process (a test against another suite's stack).
  const requested = {};
  for (const d of DEPLOYABLES) {
    requested[d.name] =
      options.ports?.[d.name] ?? (options.basePort !== undefined ? options.basePort + (d.port - 3000) : 0);
  }
  const ports = {};
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `parking-ports-${prefix}-`));
  const portFile = (name) => path.join(runDir, `${name}.port`);

  function envFor(d) {
    const env = {
      ...process.env,
      NODE_ENV: process.env.NODE_ENV ?? 'development',
      DEMO_DATA: 'true',
      NATS_URL: natsUrl,
      HOST: '127.0.0.1',
      // npm start keeps the services' own consumer names, so a service run by hand joins them.
      ...(prefix === 'parking' ? {} : { CONSUMER_PREFIX: `${prefix}-${d.name}` }),
      ...options.env,
    };
    // The parent's flags (jest's --experimental-vm-modules) and URLs are not the child's.
    delete env.NODE_OPTIONS;
    delete env.DATABASE_URL;
    delete env.PORT;
    delete env.HTTP_PORT;
    env.PORT_FILE = portFile(d.name);
    // A restarted process asks for the port it had (clients keep its URL); at first, what was requested.
    const port = String(ports[d.name] ?? requested[d.name]);
    if (d.database) {
      env.DATABASE_URL = databaseUrl(options.adminDatabaseUrl, databases[d.name]);
      env.HTTP_PORT = port;
    } else {
      env.PORT = port;
    }
    return env;
  }

  const processes = new Map();
  let stopping = false;

  function spawnOne(d, { fresh }) {
    const entry = processes.get(d.name) ?? { expectedExit: false };
    entry.expectedExit = false;
    let stdio = ['ignore', 'pipe', 'pipe'];
    if (logDir) {
      entry.logFile = path.join(logDir, `${d.name}.log`);
      if (!options.onLog) {
        const fd = fs.openSync(entry.logFile, fresh ? 'w' : 'a');
        stdio = ['ignore', fd, fd];
      }
    }
    fs.rmSync(portFile(d.name), { force: true });
    const child = spawn(process.execPath, [mainOf(d)], {
      cwd: root,
      env: envFor(d),
      stdio,
      detached: options.detached ?? false,
    });
    if (typeof stdio[1] === 'number') fs.closeSync(stdio[1]);
    else pipeOutput(d.name, child, entry, fresh);
    entry.child = child;
    entry.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (!entry.expectedExit && !stopping) options.onExit?.(d.name, code, signal);
        resolve();
      }),
    );
    processes.set(d.name, entry);
    return child;
  }

  function pipeOutput(name, child, entry, fresh) {
    entry.lines = fresh || !entry.lines ? [] : entry.lines;
    const file = entry.logFile ? fs.createWriteStream(entry.logFile, { flags: fresh ? 'w' : 'a' }) : null;
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        file?.write(chunk);
        const parts = (rest + chunk).split('\n');
        rest = parts.pop();
        for (const line of parts) {
          entry.lines.push(line);
          if (entry.lines.length > TAIL_LINES) entry.lines.shift();
          options.onLog?.(name, line);
        }
      });
    }
    child.once('exit', () => file?.end());
  }

  const isAlive = (name) => {
    const { child } = processes.get(name);
    return child.exitCode === null && child.signalCode === null;
  };

  async function stopOne(name, signal = 'SIGTERM') {
    const entry = processes.get(name);
    if (!entry) return;
    entry.expectedExit = true;
    if (!isAlive(name)) return entry.exited;
    const timer = setTimeout(() => entry.child.kill('SIGKILL'), options.stopTimeoutMs ?? 15_000);
    entry.child.kill(signal);
    await entry.exited;
    clearTimeout(timer);
  }

  async function stop() {
    stopping = true;
    await Promise.all([...processes.keys()].map((name) => stopOne(name)));
    await nats?.stop();
    if (natsDir) fs.rmSync(natsDir, { recursive: true, force: true });
    fs.rmSync(runDir, { recursive: true, force: true });
  }

  const logsOfAll = () =>
    DEPLOYABLES.map(
      (d) =>
        `--- ${d.name}${processes.get(d.name)?.logFile ? ` (${processes.get(d.name).logFile})` : ''}\n${tailOf(processes.get(d.name))}`,
    ).join('\n');

  const timeoutMs = options.readyTimeoutMs ?? 90_000;
  const allAlive = () => DEPLOYABLES.every((d) => isAlive(d.name));
  // Start-up ends early when any process dies or the caller aborts.
  const startup = new AbortController();
  const onAbort = () => startup.abort();
  options.signal?.addEventListener('abort', onAbort);
  try {
    for (const d of DEPLOYABLES) spawnOne(d, { fresh: true });
  } catch (err) {
    await stop();
    throw err;
  }
  for (const d of DEPLOYABLES) processes.get(d.name).child.once('exit', onAbort);

  /** Each process: the port it reports, then its own /health/ready. Says what it waits for. */
  const waiting = new Map(DEPLOYABLES.map((d) => [d.name, 'starting, not listening yet']));
  const lastSaid = (name) => lastSaidIn(processes.get(name));
  const progress = options.onWaiting
    ? setInterval(
        () =>
          waiting.size &&
          options.onWaiting([...waiting].map(([name, why]) => `${name} (${why}${lastSaid(name)})`)),
        options.progressIntervalMs ?? 3_000,
      )
    : null;
  const outcomes = await Promise.allSettled(
    DEPLOYABLES.map(async (d) => {
      const { child } = processes.get(d.name);
      const port = await waitForPortFile(portFile(d.name), child, d.name, {
        timeoutMs,
        signal: startup.signal,
      });
      ports[d.name] = port;
      waiting.set(d.name, `listening on ${port}, not ready yet`);
      const url = `http://127.0.0.1:${port}/health/ready`;
      const ok = await waitReady(url, timeoutMs, allAlive, startup.signal, (why) =>
        waiting.set(d.name, `listening on ${port}, not ready: ${why}`),
      );
      if (!ok) throw new Error(`${d.name}: ${waiting.get(d.name)}`);
      waiting.delete(d.name);
      options.onReady?.(d.name, url);
    }),
  );
  if (progress) clearInterval(progress);
  options.signal?.removeEventListener('abort', onAbort);
  for (const d of DEPLOYABLES) processes.get(d.name).child.off('exit', onAbort);

  if (outcomes.some((o) => o.status === 'rejected')) {
    if (options.signal?.aborted) {
      await stop();
      throw new Error('start-up aborted');
    }
    // One crash often has a cause the others meet a moment later: give them time to say it.
    if (!allAlive()) await new Promise((r) => setTimeout(r, 1_000));
    const dead = DEPLOYABLES.filter((d) => !isAlive(d.name)).map((d) => d.name);
    const why = dead.length
      ? `${dead.join(', ')} exited during start-up`
      : `not ready within ${timeoutMs / 1000} s: ${[...waiting].map(([name, w]) => `${name} (${w})`).join(', ')}`;
    const logs = logsOfAll();
    await stop();
    throw new Error(`the stack did not become ready: ${why}; last lines of every log:\n${logs}`);
  }
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;

  return {
    gatewayUrl,
    natsUrl,
    ports,
    databases,
    logDir,
    service(name) {
      const d = DEPLOYABLES.find((s) => s.name === name);
      if (!d) throw new Error(`no service ${name}`);
      return {
        get pid() {
          return processes.get(name).child.pid;
        },
        get port() {
          return ports[name];
        },
        databaseUrl: d.database ? databaseUrl(options.adminDatabaseUrl, databases[name]) : null,
        get healthUrl() {
          return `http://127.0.0.1:${ports[name]}/health/ready`;
        },
        async kill(signal = 'SIGKILL') {
          await stopOne(name, signal);
        },
        async start() {
          if (isAlive(name)) throw new Error(`${name} is running: kill it first`);
          // The gateway comes back on its port (clients hold its URL); a service on any free one.
          if (d !== GATEWAY) delete ports[name];
          const child = spawnOne(d, { fresh: false });
          let ok = false;
          try {
            ports[name] = await waitForPortFile(portFile(name), child, name, { timeoutMs });
            const url = `http://127.0.0.1:${ports[name]}/health/ready`;
            ok = await waitReady(url, timeoutMs, () => isAlive(name));
          } catch {
            ok = false;
          }
          if (!ok) {
            const log = tailOf(processes.get(name));
            await stopOne(name, 'SIGKILL');
            throw new Error(`${name} did not become ready:\n${log}`);
          }
        },
      };
    },
    stop,
  };
}
