// `npm test`: installs what is missing, then lint, format check, build, type-check of the specs, and every
// jest project (unit, integration, e2e) on a private PostgreSQL and nats-server. Stops at the first
// failure; extra arguments go to jest; SKIP_LINT=1 skips eslint and prettier. Its last line is
// `N passed, M failed`, for CI.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, ensureDependencies, root, run } from './prepare.mjs';

const started = [];
const dirs = [];
let leftoverMarker = null; // set once this run owns the PostgreSQL the tests use
let cleaning = null;
function cleanup() {
  cleaning ??= (async () => {
    if (leftoverMarker) sweepLeftovers(leftoverMarker);
    for (const s of started.reverse()) await s.stop().catch(() => {});
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  })();
  return cleaning;
}
let jest = null; // the running jest process, to pass a signal on to
const exitCodes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
let interrupting = false;
async function interrupted(signal) {
  if (interrupting) return;
  interrupting = true;
  if (jest && jest.exitCode === null) {
    jest.kill(signal);
    await new Promise((resolve) => jest.once('exit', resolve));
  }
  await cleanup();
  process.exit(exitCodes[signal]);
}
for (const signal of Object.keys(exitCodes)) process.on(signal, () => void interrupted(signal));
// npm's shell may die of a forwarded SIGTERM without passing it on: an orphaned run ends as if told to.
const parentPid = process.ppid;
setInterval(() => process.ppid !== parentPid && void interrupted('SIGTERM'), 1_000).unref();

/**
 * Processes the tests started and left running (a journey's services and nats-server when jest was
 * interrupted before its afterAll): they inherited TEST_DATABASE_URL, unique to this run's private
 * PostgreSQL. Linux only (/proc); elsewhere nothing is swept.
 */
function sweepLeftovers(marker) {
  if (!fs.existsSync('/proc')) return;
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!pid || pid === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker)) pids.push(pid);
    } catch {
      /* gone, or not ours to read */
    }
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  if (pids.length) process.stderr.write(`[test] stopped ${pids.length} processes the tests left running\n`);
}

function runJest(args, env) {
  return new Promise((resolve) => {
    jest = spawn(process.execPath, [bin('jest/bin/jest.js'), ...args], { cwd: root, env, stdio: 'inherit' });
    jest.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
}

const bin = (p) => path.join(root, 'node_modules', p);
const node = (script, args, options) => run(process.execPath, [bin(script), ...args], options);
const summaryFile = path.join(os.tmpdir(), `parking-jest-${process.pid}.json`);

function step(what, ok, hint = '') {
  if (!ok) throw new Error(`${what} failed${hint}`);
}

let code = 0;
let jestRan = false;
try {
  ensureDependencies();
  if (!process.env.SKIP_LINT) {
    process.stderr.write('[test] eslint\n');
    step('lint', node('eslint/bin/eslint.js', ['.', '--max-warnings=0']) === 0);
    process.stderr.write('[test] prettier --check\n');
    step(
      'the format check',
      node('prettier/bin/prettier.cjs', ['--check', '.', '--log-level', 'warn']) === 0,
      ' (npm run format fixes it)',
    );
  }
  await build();
  process.stderr.write('[test] type-check of the specs (tsc -p tsconfig.spec.json)\n');
  step('the type-check of the specs', node('typescript/bin/tsc', ['-p', 'tsconfig.spec.json']) === 0);

  const { startNats, startPostgres, tempDir } = await import('./servers.mjs');
  const env = { ...process.env, NX_DAEMON: 'false' };
  if (!env.TEST_DATABASE_URL) {
    const dir = tempDir('parking-test-pg-');
    dirs.push(dir);
    const pg = await startPostgres({ dataDir: path.join(dir, 'data') });
    started.push(pg);
    env.TEST_DATABASE_URL = pg.url;
    leftoverMarker = `TEST_DATABASE_URL=${pg.url}`;
  }
  if (!env.TEST_NATS_URL) {
    const dir = tempDir('parking-test-nats-');
    dirs.push(dir);
    const nats = await startNats({ dataDir: dir });
    started.push(nats);
    env.TEST_NATS_URL = nats.url;
  }
  env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim();
  process.stderr.write(`[test] jest ${process.argv.slice(2).join(' ')}\n`);
  jestRan = true;
  code = await runJest(['--json', `--outputFile=${summaryFile}`, ...process.argv.slice(2)], env);
} catch (err) {
  console.error(`[test] ${err.message}`);
  code = 1;
} finally {
  await cleanup();
}

// A suite that cannot even load (a syntax or import error) has no failed test, but it failed.
let summary = null;
try {
  summary = JSON.parse(fs.readFileSync(summaryFile, 'utf8'));
  fs.rmSync(summaryFile, { force: true });
} catch {
  /* jest did not run, or died before writing it */
}
if (summary) {
  const failed = summary.numFailedTests + (summary.numRuntimeErrorTestSuites ?? 0);
  console.log(`${summary.numPassedTests} passed, ${failed} failed`);
} else {
  if (jestRan) console.error('[test] jest wrote no summary');
  console.log(`0 passed, ${code === 0 ? 0 : 1} failed`);
}
process.exit(code);
