// Where a subscription stands in the commit-ordered log: (transaction id, global position).
import type pg from 'pg';
import { START, type Checkpoint } from './types.js';

type Queryable = pg.PoolClient | pg.Pool | pg.Client;

/** The stored position (START for a new subscription, whose row this creates). */
export async function loadCheckpoint(client: Queryable, subscriptionId: string): Promise<Checkpoint>;
/**
 * With `skip_locked` (inside a transaction): locks the row for the rest of it, or returns null when
 * another transaction — another replica of the subscription — holds it.
 */
export async function loadCheckpoint(
  client: Queryable,
  subscriptionId: string,
  options: { lock: 'skip_locked' },
): Promise<Checkpoint | null>;
export async function loadCheckpoint(
  client: Queryable,
  subscriptionId: string,
  options: { lock?: 'skip_locked' } = {},
): Promise<Checkpoint | null> {
  await client.query(
    `insert into es.checkpoints (subscription_id, transaction_id, global_position) values ($1, '0'::xid8, 0)
     on conflict do nothing`,
    [subscriptionId],
  );
  const { rows } = await client.query(
    `select transaction_id::text, global_position::text from es.checkpoints where subscription_id = $1
     ${options.lock === 'skip_locked' ? 'for update skip locked' : ''}`,
    [subscriptionId],
  );
  if (!rows[0]) return null;
  return { transactionId: BigInt(rows[0].transaction_id), globalPosition: BigInt(rows[0].global_position) };
}

/** Moves the checkpoint forward (never back: only resetCheckpoint does that). */
export async function storeCheckpoint(
  client: Queryable,
  subscriptionId: string,
  checkpoint: Checkpoint,
): Promise<void> {
  await client.query(
    `insert into es.checkpoints as c (subscription_id, transaction_id, global_position)
     values ($1, $2::text::xid8, $3)
     on conflict (subscription_id) do update
       set transaction_id = excluded.transaction_id, global_position = excluded.global_position, updated_at = now()
       where (c.transaction_id, c.global_position) < (excluded.transaction_id, excluded.global_position)`,
    [subscriptionId, checkpoint.transactionId.toString(), checkpoint.globalPosition.toString()],
  );
}

/** Back to the start, or to `to` (after a logical restore, or to rebuild a read model from zero). */
export async function resetCheckpoint(
  pool: Queryable,
  subscriptionId: string,
  to: Checkpoint = START,
): Promise<void> {
  await pool.query(
    `insert into es.checkpoints (subscription_id, transaction_id, global_position) values ($1, $2::text::xid8, $3)
     on conflict (subscription_id) do update set transaction_id = excluded.transaction_id,
       global_position = excluded.global_position, updated_at = now()`,
    [subscriptionId, to.transactionId.toString(), to.globalPosition.toString()],
  );
}

export const positionOf = (e: { transactionId: bigint; globalPosition: bigint }): Checkpoint => ({
  transactionId: e.transactionId,
  globalPosition: e.globalPosition,
});
