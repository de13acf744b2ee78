// Who did it, as recorded on every event of a privileged action.
import { AppError, hasRole, type RequestContext, type Role } from '@parking/contracts';
import type { EventMetadata } from '@parking/event-store';

export function actorOf(ctx: RequestContext): NonNullable<EventMetadata['actor']> {
  const c = ctx.caller;
  if (c.kind === 'user') return { kind: 'user', id: c.userId };
  if (c.kind === 'device') return { kind: 'device', id: c.deviceId };
  if (c.kind === 'system') return { kind: 'system', id: c.service };
  return { kind: 'anonymous' };
}

export const metadataOf = (ctx: RequestContext, operatorId = ctx.operatorId): EventMetadata => ({
  operatorId,
  actor: actorOf(ctx),
  correlationId: ctx.correlationId,
  ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
});

/** Defence in depth: the gateway checked the route's roles; identity checks them again. */
export function requireRole(ctx: RequestContext, role: Role): void {
  if (!hasRole(ctx.caller, role)) throw new AppError('FORBIDDEN', `Needs the role ${role}`);
}
