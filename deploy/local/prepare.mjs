// What `npm start` and `npm test` do first on any machine: install the npm dependencies when they are
// missing or stale, and build. Imports nothing outside Node, since node_modules may be absent.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  return r.status ?? 1;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Why node_modules does not match package-lock.json, or null when it does. npm keeps what it installed
 * in node_modules/.package-lock.json; comparing contents (not mtimes) survives clones and checkouts.
 */
export function dependenciesStale() {
  const lock = readJson(path.join(root, 'package-lock.json'))?.packages;
  const installed = readJson(path.join(root, 'node_modules', '.package-lock.json'))?.packages;
  if (!installed) return 'node_modules is missing';
  if (!lock) return null;
  for (const [key, want] of Object.entries(lock)) {
    if (key === '') continue;
    const have = installed[key];
    // Optional packages for other platforms (swc, esbuild binaries) are legitimately absent.
    if (!have) {
      if (want.optional) continue;
      return `${key} is not installed`;
    }
    if ((have.version ?? have.resolved) !== (want.version ?? want.resolved)) {
      return `${key} is ${have.version ?? have.resolved}, the lock file wants ${want.version ?? want.resolved}`;
    }
  }
  return null;
}

export function ensureDependencies() {
  const reason = dependenciesStale();
  if (!reason) return;
  process.stderr.write(`[local] installing npm dependencies (npm ci: ${reason})\n`);
  if (run('npm', ['ci', '--no-audit', '--no-fund']) !== 0) throw new Error('npm ci failed');
}

/**
 * `tsc -b --verbose`, saying each project as it is built (and its errors); the rest of tsc's verbose
 * talk ("is up to date", "is out of date because…") is dropped. Resolves with tsc's exit code.
 */
function tscBuild() {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, '-b', '--verbose', '--pretty', 'false', 'tsconfig.json'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let rest = '';
    let built = 0;
    const t0 = Date.now();
    const onLine = (line) => {
      const building = /Building project '(.+?)'/.exec(line);
      if (building) {
        built++;
        const dir = path.relative(root, path.dirname(building[1])) || '.';
        process.stderr.write(`[local]   tsc: ${dir} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
        // tsc's own verbose messages start with a time ("4:30:09 PM - " or "[4:30:09 PM] "); errors do not.
      } else if (!/^(\[[^\]]*\] |[\d:]+( [AP]M)? - |\s+\* |\s*$)/.test(line)) {
        process.stderr.write(`${line}\n`); // an error, or something tsc wants said
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      lines.forEach(onLine);
    });
    child.once('exit', (code) => {
      if (rest) onLine(rest);
      if (code === 0)
        process.stderr.write(
          `[local] tsc done: ${built ? `${built} projects built` : 'all up to date'} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
        );
      resolve(code ?? 1);
    });
  });
}

/** `tsc -b`: incremental, so a second run without changes takes a few seconds; then the portal's Vite
 * build when its sources are newer than its dist/ (the root `npm run build` always runs both). */
export async function build() {
  process.stderr.write('[local] building (tsc -b: each project as it starts)\n');
  if ((await tscBuild()) !== 0) {
    throw new Error('the build failed (tsc -b tsconfig.json, errors above)');
  }
  const { portalBuildStale } = await import('./portal.mjs');
  const stale = portalBuildStale();
  if (stale) {
    process.stderr.write(`[local] building the portal (${stale}: npm run build -w @parking/portal)\n`);
    if (run('npm', ['run', 'build', '--silent', '-w', '@parking/portal']) !== 0) {
      throw new Error('the portal build failed (npm run build -w @parking/portal, errors above)');
    }
  }
}
