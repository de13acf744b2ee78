import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Module, type INestApplication } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import { testNatsConnection, testNatsUrl, uniqueName } from '@parking/testing';
import { bootstrapService, type ReadinessReply } from './bootstrap.js';
import { HealthRegistry } from './health.js';
import { createLogger } from './logging.js';
import { GracefulShutdown } from './shutdown.js';

const name = uniqueName('svc');

@Controller()
class PingController {
  @MessagePattern(`${name}.ping`)
  ping(@Payload() data: { n: number }) {
    return { pong: data.n };
  }
}
@Module({ controllers: [PingController] })
class PingModule {}

describe('bootstrapService', () => {
  let app: INestApplication;
  let nc: NatsConnection;
  let base: string;
  const health = new HealthRegistry();
  let shutdown: GracefulShutdown;

  beforeAll(async () => {
    nc = await testNatsConnection();
    const logger = createLogger({ name, level: 'silent' });
    shutdown = new GracefulShutdown(logger, 5_000);
    health.markNotReady('demo-data', 'loading');
    app = await bootstrapService({
      name,
      module: PingModule,
      config: { NATS_URL: testNatsUrl(), HOST: '127.0.0.1', HTTP_PORT: 0 },
      logger,
      health,
      shutdown,
      nats: nc,
    });
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await shutdown.run();
    await nc.close();
  });

  it('is live, and ready only once its flags and checks are', async () => {
    expect(await (await fetch(`${base}/health/live`)).json()).toEqual({ status: 'ok' });
    const down = await fetch(`${base}/health/ready`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({
      status: 'down',
      checks: { 'demo-data': { status: 'down', error: 'loading' }, nats: { status: 'ok' } },
    });
    health.markReady('demo-data');
    const up = await fetch(`${base}/health/ready`);
    expect(up.status).toBe(200);
    expect((await up.json()) as { status: string }).toMatchObject({ status: 'ok' });
  });

  it('serves Prometheus metrics labelled by route', async () => {
    await (await fetch(`${base}/health/live`)).text();
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const metrics = await res.text();
    expect(metrics).toContain(
      'http_request_duration_seconds_count{method="GET",route="/health/live",status="200"}',
    );
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });

  it('answers its readiness on core NATS in plain JSON for the gateway', async () => {
    health.markReady('demo-data');
    const reply = (await nc.request(`${name}.ready`, '', { timeout: 2_000 })).json<ReadinessReply>();
    expect(reply).toEqual({ ready: true, checks: { 'demo-data': { status: 'ok' }, nats: { status: 'ok' } } });
  });

  it("answers its message patterns in Nest's packet format", async () => {
    const reply = await nc.request(
      `${name}.ping`,
      JSON.stringify({ pattern: `${name}.ping`, data: { n: 7 }, id: 'req-1' }),
      { timeout: 2_000 },
    );
    expect(reply.json()).toEqual({ response: { pong: 7 }, err: undefined, isDisposed: true, id: 'req-1' });
  });
});

describe('bootstrapService on shutdown', () => {
  it('turns not ready first, then stops HTTP and its NATS handlers', async () => {
    const nc = await testNatsConnection();
    const svc = uniqueName('svc');
    const logger = createLogger({ name: svc, level: 'silent' });
    const health = new HealthRegistry();
    const shutdown = new GracefulShutdown(logger, 5_000);
    let readyWhileClosing: boolean | undefined;
    shutdown.add('probe', async () => {
      readyWhileClosing = (await health.ready()).status === 'ok';
    });
    const app = await bootstrapService({
      name: svc,
      module: PingModule,
      config: { NATS_URL: testNatsUrl(), HOST: '127.0.0.1', HTTP_PORT: 0 },
      logger,
      health,
      shutdown,
      nats: nc,
    });
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    await shutdown.run();
    expect(readyWhileClosing).toBe(false);
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
    await expect(nc.request(`${svc}.ready`, '', { timeout: 300 })).rejects.toThrow();
    await nc.close();
  });
});
