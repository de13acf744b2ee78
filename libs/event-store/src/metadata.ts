// The metadata of events a request causes: its operator, correlation, trace and who acted.
import type { RequestContext } from '@parking/contracts';
import type { EventMetadata } from './types.js';

export function actorOf(ctx: RequestContext): NonNullable<EventMetadata['actor']> {
  const c = ctx.caller;
  if (c.kind === 'user') return { kind: 'user', id: c.userId };
  if (c.kind === 'device') return { kind: 'device', id: c.deviceId };
  if (c.kind === 'system') return { kind: 'system', id: c.service };
  return { kind: 'anonymous' };
}

export function eventMetadata(ctx: RequestContext, causationId?: string): EventMetadata {
  return {
    operatorId: ctx.operatorId,
    correlationId: ctx.correlationId,
    causationId,
    traceparent: ctx.traceparent,
    tracestate: ctx.tracestate,
    actor: actorOf(ctx),
  };
}
