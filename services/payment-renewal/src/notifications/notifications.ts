// Texts to customers go through identity (`identity.notify`). They are written to the notifications
// table in the transaction that caused them, and sent afterwards by the sender below: a crash loses
// none, and a run never waits on SMS.
import { isAppError, type RequestContext } from '@parking/contracts';
import { IDENTITY_SUBJECTS } from '@parking/contracts/identity';
import type { RpcClient } from '@parking/messaging';
import type { Logger } from '@parking/platform';
import type pg from 'pg';
import { uuidFrom } from '../domain/ids.js';

export interface Notification {
  /** Names what caused it, so writing it again (a redelivery) adds nothing. */
  key: string;
  operatorId: string;
  userId: string;
  template: string;
  params: Record<string, unknown>;
}

export async function enqueueNotifications(tx: pg.PoolClient, notifications: Notification[]): Promise<void> {
  if (notifications.length === 0) return;
  await tx.query(
    `insert into notifications (id, operator_id, user_id, template, params)
     select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
     on conflict (id) do nothing`,
    [
      notifications.map((n) => uuidFrom(`notification:${n.key}`)),
      notifications.map((n) => n.operatorId),
      notifications.map((n) => n.userId),
      notifications.map((n) => n.template),
      notifications.map((n) => JSON.stringify(n.params)),
    ],
  );
}

const MAX_ATTEMPTS = 5;
/** How long a claimed text is left to the replica that claimed it before another may send it. */
const LEASE_SECONDS = 30;

/**
 * Sends pending notifications, a batch at a time; several replicas may run it. A batch is claimed in one
 * statement (a lease of LEASE_SECONDS, skip locked), then each text is sent with no transaction open —
 * a request to identity inside one would hold a transaction id for as long as identity takes to answer,
 * and every event reader on the cluster waits below the oldest open one — and its outcome recorded in a
 * statement of its own. A crash between a send and its record sends that text again once the lease ends.
 */
export async function sendPendingNotifications(
  pool: pg.Pool,
  rpc: RpcClient,
  logger: Logger,
  batch = 50,
): Promise<number> {
  const { rows } = await pool.query<{
    id: string;
    operator_id: string;
    user_id: string;
    template: string;
    params: Record<string, unknown>;
    attempts: number;
    created_at: Date;
  }>(
    `update notifications set claimed_until = now() + make_interval(secs => $2)
      where id in (
        select id from notifications
         where sent_at is null and failed_at is null
           and (claimed_until is null or claimed_until < now())
           -- after a failed try, wait longer each time (5 s, 20 s, 45 s, 80 s): a text the customer
           -- acts on (a failed renewal, a receipt) should not wait minutes for one lost request
           and created_at <= now() - attempts * attempts * interval '5 seconds'
         order by created_at limit $1 for update skip locked)
      returning id, operator_id, user_id, template, params, attempts, created_at`,
    [batch, LEASE_SECONDS],
  );
  rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
  for (const n of rows) {
    const ctx: RequestContext = {
      operatorId: n.operator_id,
      caller: { kind: 'system', service: 'payment-renewal' },
      correlationId: n.id,
    };
    try {
      await rpc.request(
        IDENTITY_SUBJECTS.notify,
        { userId: n.user_id, template: n.template, params: n.params },
        ctx,
      );
      await pool.query(
        'update notifications set sent_at = now(), attempts = attempts + 1, claimed_until = null where id = $1',
        [n.id],
      );
    } catch (err) {
      // A refusal (unknown template, erased person) will not change on a retry; an outage may.
      const final =
        (isAppError(err) && ['VALIDATION', 'NOT_FOUND'].includes(err.code)) || n.attempts + 1 >= MAX_ATTEMPTS;
      logger.warn(
        { err, template: n.template, attempt: n.attempts + 1, final },
        final ? 'notification not sent' : 'notification not sent yet; will try again',
      );
      await pool.query(
        `update notifications set attempts = attempts + 1, error = $2, claimed_until = null,
           failed_at = case when $3 then now() end where id = $1`,
        [n.id, String((err as Error).message), final],
      );
    }
  }
  return rows.length;
}
