// `npm test`: installs what is missing, then lint, format check, build, type-check of the specs and the
// unit tests as Nx targets (cached: a second run re-runs only what changed, see tools/nx), then the jest
// projects that need servers (integration, e2e) on a private PostgreSQL and nats-server. Stops at the
// first failure; SKIP_LINT=1 skips eslint and prettier. Extra arguments go to one jest run of whatever
// they select (unit included), after the build. Its last line is `N passed, M failed`, for CI.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDependencies, root, run } from './prepare.mjs';

process.env.NX_DAEMON ??= 'false'; // one-shot runs: no background daemon left behind
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

const timings = [];
/** Runs `fn`, saying how long it took (all said again at the end). */
async function timed(what, fn) {
  const t0 = Date.now();
  process.stderr.write(`[test] ${what}\n`);
  try {
    return await fn();
  } finally {
    const line = `${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`;
    timings.push(line);
    process.stderr.write(`[test] ${line}\n`);
  }
}

const unitDir = path.join(root, 'test-artifacts', 'unit');
/** The unit tests' jest summaries the nx targets wrote (or restored from the cache), added up. */
function unitCounts() {
  let passed = 0;
  let failed = 0;
  for (const f of fs.existsSync(unitDir) ? fs.readdirSync(unitDir) : []) {
    const s = JSON.parse(fs.readFileSync(path.join(unitDir, f), 'utf8'));
    passed += s.numPassedTests;
    failed += s.numFailedTests + (s.numRuntimeErrorTestSuites ?? 0);
  }
  return { passed, failed };
}

let code = 0;
let jestRan = false;
const jestArgs = process.argv.slice(2);
const t0 = Date.now();
try {
  ensureDependencies();
  // Nx's task graph: lint (per package, and the rest of the repo), the format check, the build (per
  // package, dependencies first), the type-check of the specs (after every build) and the unit tests
  // (per package), two at a time, each skipped when its inputs did not change since a passing run.
  const targets = [
    ...(process.env.SKIP_LINT ? [] : ['lint', 'format-check']),
    'build',
    'typecheck-specs',
    ...(jestArgs.length ? [] : ['test-unit']),
  ];
  fs.rmSync(unitDir, { recursive: true, force: true }); // rewritten, or restored from the cache
  await timed(`nx run-many -t ${targets.join(' ')}`, () =>
    step(
      targets.join(', '),
      node('nx/dist/bin/nx.js', ['run-many', '-t', ...targets, '--parallel=2', '--outputStyle=static']) === 0,
      ' (npm run format fixes a format check; errors above)',
    ),
  );

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
  // The unit tests ran above (nx), unless arguments choose what jest runs.
  const selection = jestArgs.length ? jestArgs : ['--selectProjects', 'integration', 'e2e'];
  jestRan = true;
  code = await timed(`jest ${selection.join(' ')}`, () =>
    runJest(['--json', `--outputFile=${summaryFile}`, ...selection], env),
  );
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
timings.push(`total: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.stderr.write(`[test] ${timings.join('; ')}\n`);
const unit = jestArgs.length ? { passed: 0, failed: 0 } : unitCounts();
if (summary) {
  const failed = summary.numFailedTests + (summary.numRuntimeErrorTestSuites ?? 0) + unit.failed;
  console.log(`${summary.numPassedTests + unit.passed} passed, ${failed} failed`);
} else {
  if (jestRan) console.error('[test] jest wrote no summary');
  console.log(`${unit.passed} passed, ${code === 0 ? unit.failed : Math.max(1, unit.failed)} failed`);
}
process.exit(code);
