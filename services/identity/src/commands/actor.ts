// Who did it, as recorded on every event of a privileged action.
import { AppError, hasRole, type RequestContext, type Role } from '@parking/contracts';
import { actorOf, type EventMetadata } from '@parking/event-store';

export { actorOf };

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
