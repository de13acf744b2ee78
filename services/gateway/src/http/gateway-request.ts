// What the gateway learns about a request (operator, caller, context for NATS), kept on the Fastify
// request by the guard and read by handlers through the param decorators below.
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { RequestContext } from '@parking/contracts';
import type { Operator } from '@parking/contracts/identity';
import type { FastifyRequest } from 'fastify';

export interface GatewayRequestState {
  ctx: RequestContext;
  operator: Operator | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    gateway?: GatewayRequestState;
  }
}

function stateOf(context: ExecutionContext): GatewayRequestState {
  const state = context.switchToHttp().getRequest<FastifyRequest>().gateway;
  if (!state) throw new Error('the gateway guard did not run for this route');
  return state;
}

/** The request context forwarded with every NATS request (operator, caller, correlation id, trace). */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext) => stateOf(context).ctx);

/** The request's operator (null on routes that are served for no operator). */
export const CurrentOperator = createParamDecorator(
  (_: unknown, context: ExecutionContext) => stateOf(context).operator,
);
