// A person was erased: their stored cards are deleted and the PSP tokens forgotten, the renewal read
// model forgets their employee number and plates, and texts not yet sent are dropped. Receipts stay
// (the bookkeeping law keeps them 5 years) under the user id alone, which identity no longer links to
// anyone.
import type { UserErased } from '@parking/contracts/identity';
import type { ConsumedEvent } from '@parking/messaging';
import type pg from 'pg';

export const userErasedReaction = () => async (event: ConsumedEvent, tx: pg.PoolClient) => {
  const { userId } = event.data as UserErased;
  await tx.query(
    `update payment_methods set psp_ref = 'erased', challenge_id = null,
       deleted_at = coalesce(deleted_at, now()) where user_id = $1`,
    [userId],
  );
  await tx.query(`update renewals set employee_number = null, plates = '{}' where user_id = $1`, [userId]);
  await tx.query('delete from notifications where user_id = $1 and sent_at is null', [userId]);
};
