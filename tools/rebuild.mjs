// `npm run rebuild -- <service> <projection>`: recreates one read model from the events while the service
// runs, printing progress. Uses DATABASE_URL and NATS_URL when set (a service's own, as in its pod:
// `kubectl exec deploy/agreement -- node services/agreement/dist/rebuild/main.js agreements`), otherwise
// the servers of a running `npm start`. See docs/operations.md, "Rebuilding a read model".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** service → projection → the command (after `node`) that rebuilds it. */
const REBUILDS = {
  agreement: { agreements: ['services/agreement/dist/rebuild/main.js', 'agreements'] },
  enforcement: { 'read-model': ['services/enforcement/dist/rebuild/main.js'] },
};
const DATABASES = { agreement: 'parking_agreement', enforcement: 'parking_enforcement' };

const [service, projection] = process.argv.slice(2);
const command = REBUILDS[service]?.[projection];
if (!command) {
  const known = Object.entries(REBUILDS).flatMap(([s, ps]) => Object.keys(ps).map((p) => `${s} ${p}`));
  console.error(`usage: npm run rebuild -- <service> <projection>\n  one of: ${known.join(' | ')}`);
  process.exit(2);
}
if (!fs.existsSync(path.join(root, command[0]))) {
  console.error(`${command[0]} is missing: run npm run build`);
  process.exit(1);
}
const env = { ...process.env };
if (!env.DATABASE_URL) {
  env.DATABASE_URL = `postgres://postgres@127.0.0.1:55432/${DATABASES[service]}`;
  console.error(`DATABASE_URL is not set: using npm start's ${env.DATABASE_URL}`);
}
env.NATS_URL ??= 'nats://127.0.0.1:4223';
const r = spawnSync(process.execPath, command, { cwd: root, env, stdio: 'inherit' });
process.exit(r.status ?? 1);
