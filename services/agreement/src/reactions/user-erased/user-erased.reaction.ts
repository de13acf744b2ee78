// A person was erased (identity's UserErased): their auto-renewing agreements stop renewing and end at
// the end of the paid period, at every operator. What stays is keyed by the user id alone, which
// identity no longer links to anyone.
import type { UserErased } from '@parking/contracts/identity';
import type { ConsumedEvent } from '@parking/messaging';
import type { Deps } from '../../deps.js';
import { runAgreementCommand } from '../../commands/run-command.js';

export function userErasedReaction(deps: Deps) {
  return async (event: ConsumedEvent): Promise<void> => {
    const { userId, erasedAt } = event.data as UserErased;
    const { rows } = await deps.pool.query(
      `select id, operator_id from agreements where user_id = $1 and status in ('active', 'past_due')
         and (view->>'autoRenew')::boolean`,
      [userId],
    );
    for (const { id, operator_id: operatorId } of rows) {
      await runAgreementCommand(
        deps,
        {
          operatorId,
          caller: { kind: 'system', service: 'agreement' },
          correlationId: event.correlationId ?? event.eventId,
        },
        id,
        () => ({
          type: 'Cancel',
          userId,
          now: new Date(erasedAt),
        }),
        { operatorId, causationId: event.eventId, actor: { kind: 'system', id: 'user-erased' } },
      );
    }
  };
}
