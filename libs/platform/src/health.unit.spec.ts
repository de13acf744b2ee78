import { describe, expect, it } from '@jest/globals';
import { HealthRegistry } from './health.js';

describe('HealthRegistry', () => {
  it('is always live', () => {
    expect(new HealthRegistry().live()).toEqual({ status: 'ok' });
  });

  it('is ready only when every check and flag is', async () => {
    const health = new HealthRegistry();
    health.addCheck('database', async () => undefined);
    health.markNotReady('demo-data', 'loading');
    expect(await health.ready()).toEqual({
      status: 'down',
      checks: { 'demo-data': { status: 'down', error: 'loading' }, database: { status: 'ok' } },
    });
    health.markReady('demo-data');
    expect((await health.ready()).status).toBe('ok');
  });

  it('reports a throwing check as down with its error', async () => {
    const health = new HealthRegistry();
    health.addCheck('nats', () => {
      throw new Error('connection closed');
    });
    health.addCheck('database', () => Promise.reject(new Error('ECONNREFUSED')));
    const ready = await health.ready();
    expect(ready.status).toBe('down');
    expect(ready.checks.nats).toEqual({ status: 'down', error: 'connection closed' });
    expect(ready.checks.database).toEqual({ status: 'down', error: 'ECONNREFUSED' });
  });

  it('gives up on a check that hangs', async () => {
    const health = new HealthRegistry();
    health.addCheck('stuck', () => new Promise<void>(() => undefined));
    const started = Date.now();
    const ready = await health.ready(50);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(ready.checks.stuck).toEqual({ status: 'down', error: 'timed out' });
  });
});
