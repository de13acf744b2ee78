// The portal's server: the built single-page app (dist/) and /v1/* passed on to the gateway, so the
// browser talks to one origin. The browser's Host header goes with each call, so the gateway finds the
// operator from the host name (demo.localhost, fjord.localhost) as it would behind an Ingress.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';

export const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

// No inline scripts or styles: Vite's build has none, and the page loads nothing from elsewhere.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

// Hop-by-hop headers (RFC 9110 §7.6.1) are the proxy's own, not passed on.
const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

/** The staff-list upload is the API's largest body (2 MiB); the portal passes bodies on untouched. */
const BODY_LIMIT = 3 * 1024 * 1024;

/**
 * @param {{ gatewayUrl: string, devMode?: boolean, distDir?: string, logger?: boolean }} options
 */
export async function createPortal(options) {
  const distDir = options.distDir ?? DIST;
  const gateway = new URL(options.gatewayUrl);
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: BODY_LIMIT, trustProxy: false });

  // Bodies stay bytes: what the browser sent is what the gateway gets.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.addHook('onSend', async (req, reply) => {
    if (!req.url.startsWith('/v1/')) {
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'same-origin');
      reply.header('content-security-policy', CSP);
    }
  });

  app.all('/v1/*', (req, reply) => {
    const headers = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP.has(name) && name !== 'content-length') headers[name] = value;
    }
    const body = Buffer.isBuffer(req.body) ? req.body : null;
    if (body) headers['content-length'] = String(body.length);
    // The browser's Host stays (operator by host name); the hop is said in the forwarding headers.
    headers['x-forwarded-host'] = req.headers.host ?? '';
    headers['x-forwarded-proto'] = 'http';
    headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress]
      .filter(Boolean)
      .join(', ');
    return new Promise((resolve) => {
      const upstream = http.request(
        {
          protocol: gateway.protocol,
          hostname: gateway.hostname,
          port: gateway.port,
          method: req.method,
          path: req.url,
          headers,
        },
        (res) => {
          const out = {};
          for (const [name, value] of Object.entries(res.headers)) if (!HOP.has(name)) out[name] = value;
          reply.code(res.statusCode ?? 502).headers(out);
          resolve(reply.send(res));
        },
      );
      upstream.setTimeout(60_000, () => upstream.destroy(new Error('gateway timeout')));
      upstream.on('error', () => {
        if (reply.sent) return resolve(undefined);
        resolve(
          reply.code(502).type('application/problem+json').send({
            type: 'about:blank',
            title: 'Bad Gateway',
            status: 502,
            detail: 'The API cannot be reached.',
          }),
        );
      });
      upstream.end(body ?? undefined);
    });
  });

  app.get('/config.json', async (_req, reply) => {
    reply.header('cache-control', 'no-cache');
    return { devMode: options.devMode ?? false };
  });

  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_req, reply) => {
    const built = fs.existsSync(path.join(distDir, 'index.html'));
    reply.code(built ? 200 : 503);
    return { status: built ? 'ok' : 'not built', dist: built };
  });

  app.get('/*', async (req, reply) => {
    const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path.resolve(distDir, `.${pathname}`);
    const inside = file === distDir || file.startsWith(distDir + path.sep);
    let target = inside && fs.statSync(file, { throwIfNoEntry: false })?.isFile() ? file : null;
    if (!target) {
      // A path without a file extension is a page of the app (hash routes make this rare); others are 404.
      if (path.extname(pathname)) return reply.code(404).type('text/plain').send('not found');
      target = path.join(distDir, 'index.html');
    }
    const name = path.relative(distDir, target);
    reply.type(TYPES[path.extname(target)] ?? 'application/octet-stream');
    if (name.startsWith(`assets${path.sep}`))
      reply.header('cache-control', 'public, max-age=31536000, immutable');
    else reply.header('cache-control', 'no-cache');
    if (name === 'sw.js') reply.header('service-worker-allowed', '/');
    return reply.send(fs.createReadStream(target));
  });

  return app;
}

/**
 * Starts the portal and resolves once it listens.
 * @param {{ gatewayUrl: string, port?: number, host?: string, devMode?: boolean, distDir?: string, logger?: boolean }} options
 */
export async function startPortal(options) {
  const app = await createPortal(options);
  const address = await app.listen({ port: options.port ?? 8080, host: options.host ?? '127.0.0.1' });
  return { url: address.replace('[::1]', 'localhost'), close: () => app.close() };
}
