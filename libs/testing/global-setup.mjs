// jest global setup: use TEST_DATABASE_URL / TEST_NATS_URL when set (npm test sets them), otherwise
// start a private PostgreSQL and nats-server (each on a port it binds itself) with temporary data.
import fs from 'node:fs';
import path from 'node:path';
import { startNats, startPostgres, tempDir } from '../../deploy/local/servers.mjs';

export default async function globalSetup() {
  const started = [];
  if (!process.env.TEST_DATABASE_URL) {
    const dir = tempDir('parking-test-pg-');
    const pg = await startPostgres({ dataDir: path.join(dir, 'data') });
    process.env.TEST_DATABASE_URL = pg.url;
    started.push({ stop: pg.stop, dir });
  }
  if (!process.env.TEST_NATS_URL) {
    const dir = tempDir('parking-test-nats-');
    const nats = await startNats({ dataDir: dir });
    process.env.TEST_NATS_URL = nats.url;
    started.push({ stop: nats.stop, dir });
  }
  // Integration and e2e each have this global setup: the second finds the servers of the first.
  globalThis.__parkingTestServers = [...(globalThis.__parkingTestServers ?? []), ...started];
}

export function removeDirs(started) {
  for (const s of started) fs.rmSync(s.dir, { recursive: true, force: true });
}
