import { describe, expect, it } from '@jest/globals';
import Fastify from 'fastify';
import { counter, gauge, histogram, metricsText, registerHttpMetrics } from './metrics.js';

describe('metrics', () => {
  it('labels request durations with the route pattern, not the raw URL', async () => {
    const app = Fastify();
    registerHttpMetrics(app);
    registerHttpMetrics(app);
    app.get('/v1/agreements/:id', async () => ({ ok: true }));
    // Over a real socket: fastify.inject needs light-my-request, which jest's ESM mode cannot load on Node 20.
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    await (await fetch(`${base}/v1/agreements/a-123`)).text();
    await (await fetch(`${base}/nowhere/42`)).text();
    const text = await metricsText();
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/v1\/agreements\/:id",status="200"\} 1\n/,
    );
    expect(text).toContain('route="unmatched",status="404"');
    expect(text).not.toContain('a-123');
    expect(text).not.toContain('/nowhere/42');
    await app.close();
  });

  it('includes the process metrics', async () => {
    expect(await metricsText()).toContain('process_cpu_user_seconds_total');
  });

  it('returns the existing metric when a name is registered again', async () => {
    const first = counter({ name: 'test_things_total', help: 'things', labelNames: ['kind'] });
    const again = counter({ name: 'test_things_total', help: 'things', labelNames: ['kind'] });
    expect(again).toBe(first);
    again.inc({ kind: 'a' }, 2);
    expect(await metricsText()).toContain('test_things_total{kind="a"} 2');
    expect(histogram({ name: 'test_seconds', help: 's' })).toBe(
      histogram({ name: 'test_seconds', help: 's' }),
    );
    expect(gauge({ name: 'test_level', help: 'l' })).toBe(gauge({ name: 'test_level', help: 'l' }));
  });
});
