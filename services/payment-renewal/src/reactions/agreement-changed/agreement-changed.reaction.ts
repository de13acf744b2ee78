// Every agreement event (`parking.agreement.*`): keeps the renewal read model, refunds a withdrawn or
// terminated agreement's last period, and retries a past-due renewal at once when its card changed.
import type { ConsumedEvent } from '@parking/messaging';
import type pg from 'pg';
import type { Deps } from '../../deps.js';
import { applyAgreementEvent } from '../../projections/renewals/renewals.projection.js';
import { refundLastPeriod } from '../agreement-ended/refund-last-period.reaction.js';

export function agreementChangedReaction(
  deps: Deps,
  retry: (operatorId: string, agreementId: string) => void,
) {
  return async (event: ConsumedEvent, tx: pg.PoolClient): Promise<void> => {
    const { retryNow } = await applyAgreementEvent(event, tx);
    if (event.type === 'AgreementWithdrawn' || event.type === 'AgreementTerminated')
      await refundLastPeriod(deps, event, tx);
    // The retry waits on the row's lock, so it charges only once this transaction has committed.
    if (retryNow) retry(event.operatorId, (event.data as { agreementId: string }).agreementId);
  };
}
