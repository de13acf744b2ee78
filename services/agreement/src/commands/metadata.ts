// Event metadata and the acting user, from a request's context.
import { AppError, type RequestContext } from '@parking/contracts';
import { eventMetadata } from '@parking/event-store';

export { eventMetadata };

/** The signed-in customer making the request; anything else may not buy or change agreements. */
export function userOf(ctx: RequestContext): string {
  if (ctx.caller.kind !== 'user') throw new AppError('FORBIDDEN', 'Only a signed-in customer may do this');
  return ctx.caller.userId;
}
