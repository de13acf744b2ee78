// `node services/portal/server/main.mjs`: the portal on PORT (default 8080), passing /v1/* to GATEWAY_URL.
// Dev mode (NODE_ENV other than production) lets `?operator=slug` pick the operator.
import fs from 'node:fs';
import path from 'node:path';
import { DIST, startPortal } from './portal.mjs';

function fail(line) {
  process.stderr.write(`[portal] ${line}\n`);
  process.exit(1);
}

const port = Number(process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`PORT must be a port number, not ${process.env.PORT}`);
const gatewayUrl = process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000';
try {
  const u = new URL(gatewayUrl);
  if (u.protocol !== 'http:') throw new Error();
} catch {
  fail(`GATEWAY_URL must be an http:// URL, not ${gatewayUrl}`);
}
if (!fs.existsSync(path.join(DIST, 'index.html'))) fail(`${DIST}/index.html is missing: run npm run build`);

const portal = await startPortal({
  gatewayUrl,
  port,
  host: process.env.HOST ?? '127.0.0.1',
  devMode: process.env.NODE_ENV !== 'production',
  logger: process.env.LOG_LEVEL === 'debug',
});
process.stdout.write(`[portal] listening on ${portal.url}, API from ${gatewayUrl}\n`);
// PORT=0 takes any free port: the parent learns which from PORT_FILE (written whole, then renamed).
if (process.env.PORT_FILE) {
  fs.writeFileSync(`${process.env.PORT_FILE}.tmp`, `${new URL(portal.url).port}\n`);
  fs.renameSync(`${process.env.PORT_FILE}.tmp`, process.env.PORT_FILE);
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    portal.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
