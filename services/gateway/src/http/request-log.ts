// One structured log line per request: method, matched route (never the raw URL, whose query may hold a
// phone number), status, duration, request id and operator. Headers and bodies are not logged.
import type { Logger } from '@parking/platform';
import type { FastifyInstance } from 'fastify';

const QUIET = /^\/(health|metrics)\b/;

export function registerRequestLog(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    const line = {
      reqId: req.id,
      method: req.method,
      route,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      operator: req.gateway?.operator?.slug,
    };
    if (QUIET.test(route)) logger.debug(line, 'request');
    else logger.info(line, 'request');
  });
}
