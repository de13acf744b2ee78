// Event metadata and the acting user, from a request's context.
import { AppError, type RequestContext } from '@parking/contracts';
import type { EventMetadata } from '@parking/event-store';

export function eventMetadata(ctx: RequestContext, causationId?: string): EventMetadata {
  const c = ctx.caller;
  const actor =
    c.kind === 'user'
      ? { kind: 'user' as const, id: c.userId }
      : c.kind === 'device'
        ? { kind: 'device' as const, id: c.deviceId }
        : c.kind === 'system'
          ? { kind: 'system' as const, id: c.service }
          : { kind: 'anonymous' as const };
  return {
    operatorId: ctx.operatorId,
    correlationId: ctx.correlationId,
    causationId,
    traceparent: ctx.traceparent,
    tracestate: ctx.tracestate,
    actor,
  };
}

/** The signed-in customer making the request; anything else may not buy or change agreements. */
export function userOf(ctx: RequestContext): string {
  if (ctx.caller.kind !== 'user') throw new AppError('FORBIDDEN', 'Only a signed-in customer may do this');
  return ctx.caller.userId;
}
