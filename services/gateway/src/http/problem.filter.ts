// The one exception filter of the HTTP API: every failure leaves as application/problem+json, never
// with a stack trace; server faults are logged (with the request id) instead.
import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Logger } from '@parking/platform';
import { toProblem } from '@parking/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toAppError } from './to-app-error.js';

export const routeOf = (req: FastifyRequest) => `${req.method} ${req.url.split('?')[0]}`;

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    /** Not production: a 503 keeps its own detail (see toProblem). */
    private readonly devMode = false,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const error = toAppError(exception, routeOf(req));
    if (error.code === 'INTERNAL' || error.code === 'UNAVAILABLE') {
      this.logger[error.code === 'INTERNAL' ? 'error' : 'warn'](
        { err: exception, reqId: req.id, route: req.routeOptions?.url ?? 'unmatched' },
        'request failed',
      );
    }
    const problem = toProblem(error, { devMode: this.devMode });
    if (reply.sent) return;
    reply.status(problem.status).headers(problem.headers).send(problem.body);
  }
}
