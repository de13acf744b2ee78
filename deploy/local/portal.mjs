// The web portal (services/portal) as a child process: its server on a port, passing /v1/* to a gateway.
// Used by `npm start` (after the gateway) and by the portal's browser journeys.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, waitForPortFile } from './servers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PORTAL_DIR = path.join(root, 'services', 'portal');
export const PORTAL_MAIN = path.join(PORTAL_DIR, 'server', 'main.mjs');

/** @param {import('./portal.d.mts').PortalOptions} options */
export async function startPortal(options) {
  if (!fs.existsSync(path.join(PORTAL_DIR, 'dist', 'index.html'))) {
    throw new Error('services/portal/dist/index.html missing: run npm run build');
  }
  const portDir = tempDir('parking-portal-port-');
  const portFile = path.join(portDir, 'portal.port');
  const env = {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    ...options.env,
    // 0: any free port, reported in PORT_FILE (see libs/platform/src/port-report.ts).
    PORT: String(options.port ?? 0),
    PORT_FILE: portFile,
    HOST: '127.0.0.1',
    GATEWAY_URL: options.gatewayUrl,
  };
  delete env.NODE_OPTIONS;
  let fd = null;
  if (options.logFile) {
    fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
    fd = fs.openSync(options.logFile, 'w');
  }
  const child = spawn(process.execPath, [PORTAL_MAIN], {
    cwd: root,
    env,
    stdio: ['ignore', fd ?? 'ignore', fd ?? 'ignore'],
    detached: options.detached ?? false,
  });
  if (fd !== null) fs.closeSync(fd);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let expected = false;
  child.once('exit', (code, signal) => !expected && options.onExit?.(code, signal));

  const timeoutMs = options.readyTimeoutMs ?? 20_000;
  const exitedEarly = () => {
    const log = options.logFile ? fs.readFileSync(options.logFile, 'utf8').trim() : '';
    return new Error(`the portal exited during start-up${log ? `:\n${log}` : ''}`);
  };
  let port;
  try {
    port = await waitForPortFile(portFile, child, 'the portal', { timeoutMs });
  } catch (err) {
    child.kill('SIGKILL');
    throw child.exitCode !== null ? exitedEarly() : err;
  } finally {
    fs.rmSync(portDir, { recursive: true, force: true });
  }
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw exitedEarly();
    const ok = await fetch(`${url}/health/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the portal was not ready at ${url} within ${timeoutMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    pid: child.pid,
    async stop() {
      expected = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Newest modification time under `dir` (0 when absent). */
function newest(dir) {
  let latest = 0;
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  for (const entry of fs.readdirSync(dir)) latest = Math.max(latest, newest(path.join(dir, entry)));
  return latest;
}

/** Why the portal's dist/ is older than its sources, or null when it is current. */
export function portalBuildStale() {
  const built = fs.statSync(path.join(PORTAL_DIR, 'dist', 'index.html'), { throwIfNoEntry: false });
  if (!built) return 'dist/index.html is missing';
  const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'tsconfig.json', 'package.json'];
  const latest = Math.max(...sources.map((s) => newest(path.join(PORTAL_DIR, s))));
  return latest > built.mtimeMs ? 'its sources changed' : null;
}
