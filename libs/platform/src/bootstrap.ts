// "Service defaults": every service starts the same way — Nest on Fastify with health, metrics and
// graceful shutdown, its NATS handlers in a queue group named after it, and a readiness responder the
// gateway asks.
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { FastifyInstance } from 'fastify';
import type { CheckResult, HealthRegistry } from './health.js';
import { NestPinoLogger, type Logger } from './logging.js';
import { collectDefaults, METRICS_CONTENT_TYPE, metricsText, registerHttpMetrics } from './metrics.js';
import { boundPort, reportBoundPort } from './port-report.js';
import type { GracefulShutdown } from './shutdown.js';

export interface ServiceBootstrapOptions {
  name: string;
  module: unknown;
  config: { NATS_URL: string; HOST: string; HTTP_PORT: number };
  logger: Logger;
  health: HealthRegistry;
  shutdown: GracefulShutdown;
  nats?: NatsConnection;
}

/** Health and metrics routes on a Fastify instance. */
export function registerOperationalRoutes(fastify: FastifyInstance, health: HealthRegistry): void {
  collectDefaults();
  registerHttpMetrics(fastify);
  fastify.get('/health/live', async () => health.live());
  fastify.get('/health/ready', async (_req, reply) => {
    const result = await health.ready();
    reply.code(result.status === 'ok' ? 200 : 503);
    return result;
  });
  fastify.get('/metrics', async (_req, reply) => {
    reply.header('content-type', METRICS_CONTENT_TYPE);
    return metricsText();
  });
}

/** What `<name>.ready` answers: plain JSON, not Nest's packet format. */
export interface ReadinessReply {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

/**
 * Answers `<name>.ready` on core NATS with `{ ready, checks }`, for the gateway's aggregate readiness.
 * No queue group: every replica answers, and the gateway takes the first reply.
 */
export function serveReadiness(nc: NatsConnection, name: string, health: HealthRegistry): Subscription {
  return nc.subscribe(`${name}.ready`, {
    callback: (err, msg) => {
      if (err) return;
      void health.ready().then((r) => {
        const reply: ReadinessReply = { ready: r.status === 'ok', checks: r.checks };
        msg.respond(JSON.stringify(reply));
      });
    },
  });
}

/**
 * Starts a service's Nest application: HTTP on HOST:HTTP_PORT for /health/live, /health/ready and
 * /metrics; the module's @MessagePattern handlers on NATS in queue group `name`; with `nats`, the
 * `<name>.ready` responder and a `nats` check. Closing is added to `shutdown`; the caller installs it.
 */
export async function bootstrapService(options: ServiceBootstrapOptions): Promise<INestApplication> {
  const { name, config, logger, health, shutdown, nats } = options;
  const app = await NestFactory.create<NestFastifyApplication>(
    options.module as never,
    new FastifyAdapter(),
    {
      logger: new NestPinoLogger(logger.child({ component: 'nest' })),
      // Otherwise a failing module init aborts the process before our logs and shutdown steps run.
      abortOnError: false,
    },
  );
  registerOperationalRoutes(app.getHttpAdapter().getInstance() as unknown as FastifyInstance, health);
  app.connectMicroservice<MicroserviceOptions>(
    { transport: Transport.NATS, options: { servers: config.NATS_URL.split(','), queue: name } },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  await app.listen(config.HTTP_PORT, config.HOST);
  // HTTP_PORT=0 takes any free port: the parent learns which from PORT_FILE.
  reportBoundPort(boundPort(app.getHttpServer().address()) ?? config.HTTP_PORT);
  if (nats) {
    health.addCheck('nats', () => {
      if (nats.isClosed()) throw new Error('NATS connection closed');
    });
    const sub = serveReadiness(nats, name, health);
    shutdown.add('readiness responder', () => sub.unsubscribe());
  }
  shutdown.add('http and nats handlers', () => app.close());
  // Runs first: load balancers and the gateway stop sending work while the rest drains.
  shutdown.add('readiness', () => health.markNotReady('shutdown', 'shutting down'));
  return app;
}
