// Builds the gateway's HTTP app (not yet listening): Fastify with the 64 KiB body limit, request ids,
// problem+json for every failure, CORS, health, metrics, OpenAPI and the API controllers.
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { NestPinoLogger, registerOperationalRoutes } from '@parking/platform';
import type { FastifyInstance } from 'fastify';
import type { Deps } from './deps.js';
import { API_CONTROLLERS, GatewayModule } from './gateway.module.js';
import { ProblemFilter } from './http/problem.filter.js';
import { requestIdOf } from './http/request-id.js';
import { registerRequestLog } from './http/request-log.js';
import { registerDocs } from './openapi/docs-page.js';
import { openApiDocument } from './openapi/openapi.js';
import { LEAN_CHECK_ROUTES, registerLeanChecks } from './routes/enforcement/lean-checks.js';

export const BODY_LIMIT = 64 * 1024;
const CORS_HEADERS = [
  'authorization',
  'x-operator',
  'idempotency-key',
  'content-type',
  'if-none-match',
  'x-request-id',
  'traceparent',
  'tracestate',
];

export async function createGatewayApp(deps: Deps): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    // Fastify takes a hop count too; the adapter's option type leaves numbers out.
    trustProxy: deps.config.TRUST_PROXY as boolean | string[],
    genReqId: requestIdOf,
    logger: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.register(deps), adapter, {
    logger: new NestPinoLogger(deps.logger.child({ component: 'nest' })),
    // Keeps each JSON body's bytes as received (`req.rawBody`): the PSP's webhook signatures are over them.
    rawBody: true,
  });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  // A route may raise its own body limit with @RouteConfig({ bodyLimit }) (routes register at init).
  fastify.addHook('onRoute', (route) => {
    const limit = (route.config as { bodyLimit?: number } | undefined)?.bodyLimit;
    if (limit) route.bodyLimit = limit;
  });

  fastify.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  registerRequestLog(fastify, deps.logger);
  registerOperationalRoutes(fastify, deps.health);

  const document = openApiDocument(API_CONTROLLERS, LEAN_CHECK_ROUTES);
  fastify.get('/openapi.json', async () => document);
  registerDocs(fastify, document);

  if (deps.config.CORS_ORIGINS.length) {
    app.enableCors({
      origin: deps.config.CORS_ORIGINS,
      allowedHeaders: CORS_HEADERS,
      exposedHeaders: ['x-request-id', 'retry-after', 'etag', 'location'],
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      maxAge: 600,
    });
  }
  app.useGlobalFilters(new ProblemFilter(deps.logger, deps.config.NODE_ENV !== 'production'));
  // After CORS and the hooks above, so that they apply to these routes too.
  registerLeanChecks(fastify, deps);
  await app.init();
  return app;
}
