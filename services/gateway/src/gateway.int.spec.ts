// The gateway in-process against a private nats-server with no services behind it: what it must do on
// its own (errors as problem+json, limits, request ids, auth refusals, readiness, docs) and that it
// serves instead of crashing while identity has not answered yet.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger, GracefulShutdown, parseConfig } from '@parking/platform';
import { startNats, tempDir, type RunningServer } from '../../../deploy/local/servers.mjs';
import { configSchema } from './config.js';
import { startGateway, type RunningGateway } from './gateway.js';

const PORTAL = 'http://portal.test';
let nats: RunningServer;
let gateway: RunningGateway;
let shutdown: GracefulShutdown;

const problemOf = async (res: Response) => ({
  status: res.status,
  type: res.headers.get('content-type'),
  body: (await res.json()) as { status: number; detail: string; errors?: { path: string }[] },
});

beforeAll(async () => {
  nats = await startNats({ dataDir: tempDir('gw-') });
  const config = parseConfig(configSchema, {
    NATS_URL: nats.url,
    PORT: '0',
    LOG_LEVEL: 'silent',
    CORS_ORIGINS: PORTAL,
  });
  const logger = createLogger({ name: 'gateway', level: 'silent' });
  shutdown = new GracefulShutdown(logger);
  gateway = await startGateway(config, logger, shutdown);
}, 30_000);

afterAll(async () => {
  await shutdown?.run();
  await nats?.stop();
});

const url = (path: string) => `${gateway.url}${path}`;
const postJson = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url(path), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('gateway without services behind it', () => {
  it('answers malformed JSON with a 400 problem', async () => {
    const p = await problemOf(await postJson('/v1/auth/otp', '{"phone": '));
    expect(p.status).toBe(400);
    expect(p.type).toMatch(/^application\/problem\+json/);
    expect(p.body.detail).toMatch(/JSON/);
  });

  it('refuses a body over 64 KiB with a 413 problem', async () => {
    const big = JSON.stringify({ phone: 'x'.repeat(65 * 1024) });
    const p = await problemOf(await postJson('/v1/auth/otp', big));
    expect(p.status).toBe(413);
    expect(p.type).toMatch(/^application\/problem\+json/);
  });

  it('answers an unknown route with a 404 problem', async () => {
    const p = await problemOf(await fetch(url('/v1/no-such-thing')));
    expect(p.status).toBe(404);
    expect(p.type).toMatch(/^application\/problem\+json/);
    expect(p.body.detail).toBe('No route GET /v1/no-such-thing');
  });

  it('echoes the x-request-id it was sent, and creates one otherwise', async () => {
    const echoed = await fetch(url('/health/live'), { headers: { 'x-request-id': 'req-abc.123' } });
    expect(echoed.headers.get('x-request-id')).toBe('req-abc.123');
    const created = await fetch(url('/v1/no-such-thing'));
    expect(created.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is live but not ready while the services do not answer', async () => {
    expect((await fetch(url('/health/live'))).status).toBe(200);
    const ready = await fetch(url('/health/ready'));
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { checks: Record<string, { status: string }> };
    expect(body.checks.identity.status).toBe('down');
    expect(body.checks.operators.status).toBe('down');
  });

  it('refuses a protected route without a token or with a bad one (401 problem)', async () => {
    const none = await problemOf(await fetch(url('/v1/agreements')));
    expect(none.status).toBe(401);
    expect(none.type).toMatch(/^application\/problem\+json/);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"roles":["officer"]}').toString('base64url')}.`;
    for (const token of ['garbage', unsigned]) {
      const res = await fetch(url('/v1/enforcement/check?plate=AB12345&zone=z'), {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(401);
    }
  });

  it('answers 503 where an operator is needed until the operator list is loaded', async () => {
    const p = await problemOf(await fetch(url('/v1/cities')));
    expect(p.status).toBe(503);
    expect(p.type).toMatch(/^application\/problem\+json/);
  });

  it('serves the OpenAPI 3.1 document and a docs page', async () => {
    const doc = (await (await fetch(url('/openapi.json'))).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/auth/otp',
        '/v1/agreements',
        '/v1/products/{productId}',
        '/v1/enforcement/check',
      ]),
    );
    expect(doc.paths['/v1/agreements'].post.requestBody).toBeDefined();
    const page = await fetch(url('/docs'));
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('/v1/agreements');
    // The interactive viewer comes from this gateway (swagger-ui-dist from npm), never from a CDN.
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.filter((s) => !s.startsWith('/'))).toEqual([]);
    for (const source of sources) {
      const asset = await fetch(url(source));
      expect([source, asset.status]).toEqual([source, 200]);
    }
    const bundle = await (await fetch(url('/docs/assets/swagger-ui-bundle.js'))).text();
    expect(bundle).toContain('SwaggerUIBundle');
    expect(await (await fetch(url('/docs/init.js'))).text()).toContain("url: '/openapi.json'");
    const missing = await fetch(url('/docs/assets/nothing.js'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it('serves Prometheus metrics', async () => {
    const res = await fetch(url('/metrics'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('http_request_duration_seconds');
  });

  it('allows the configured portal origin with the API headers (CORS)', async () => {
    const res = await fetch(url('/v1/agreements'), {
      method: 'OPTIONS',
      headers: {
        origin: PORTAL,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, x-operator, idempotency-key',
      },
    });
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/idempotency-key/);
    const other = await fetch(url('/health/live'), { headers: { origin: 'http://evil.test' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
