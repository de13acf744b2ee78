// `npm run clean`: removes what `npm start` keeps between runs: <checkout>/.data (NATS, logs, and
// PostgreSQL's data when not root) and, as root, PostgreSQL's data outside the checkout.
import fs from 'node:fs';
import path from 'node:path';
import { root } from './prepare.mjs';
import { localPostgresDataDir, say } from './servers.mjs';

const dataDir = path.resolve(root, process.env.PARKING_DATA_DIR ?? '.data');
const pgDir = localPostgresDataDir(root, dataDir);
const dirs = [dataDir];
if (process.env.PARKING_PG_DATA_DIR) dirs.push(pgDir);
// As root: the checkout's own directory under /var/lib/parking-platform (pg/ and a note naming it).
else if (!pgDir.startsWith(dataDir + path.sep)) dirs.push(path.dirname(pgDir));
for (const dir of dirs) {
  fs.rmSync(dir, { recursive: true, force: true });
  say(`removed ${dir}`);
}
