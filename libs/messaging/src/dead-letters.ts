// Dead letters: events a consumer could not handle within its retry time (see consumer.ts). An operator
// fixes the cause, then marks them for replay (`npm run replay-dead-letters -- <service>`); each running
// consumer handles its marked letters again within seconds and resolves them.
import type pg from 'pg';

/** Marks the unresolved dead letters (of one consumer, or all) for replay; returns how many. */
export async function markDeadLettersForReplay(pool: pg.Pool, consumer?: string): Promise<number> {
  const result = await pool.query(
    `update messaging.dead_letters set replay_requested_at = now()
     where resolved_at is null and ($1::text is null or consumer = $1)`,
    [consumer ?? null],
  );
  return result.rowCount ?? 0;
}
