// Rebuilds a read model that a local subscription feeds, without stopping the service: the tables are
// built beside the live ones (same columns, constraints and indexes, in a schema of their own) by a
// second subscription that replays every event from the start, then switched in with one short
// transaction (the live subscription paused on its checkpoint row, the last events caught up, the live
// checkpoint moved to the rebuild's, the tables swapped), and the old tables dropped. Readers wait at most
// for the swap; the service keeps writing events throughout.
import { EventSubscription, resetCheckpoint, type RecordedEvent } from '@parking/event-store';
import type pg from 'pg';

export interface RebuildProgress {
  phase: 'replay' | 'switch' | 'done';
  handled: number;
  /** Events in the store when the rebuild started (more may come while it runs). */
  total: number;
  ms: number;
}

export interface RebuildBesideOptions {
  pool: pg.Pool;
  /** The live read model's subscription (its checkpoint is moved at the switch). */
  subscriptionId: string;
  /** Its tables in the public schema. */
  tables: string[];
  /** The projection: writes with unqualified table names, which resolve to the tables being built. */
  handle: (events: RecordedEvent[], client: pg.PoolClient) => Promise<void>;
  onProgress?: (p: RebuildProgress) => void;
  batchSize?: number;
  /** How long the switch may wait for a lock before it gives up and tries again. */
  lockTimeoutMs?: number;
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

export async function rebuildBeside(options: RebuildBesideOptions): Promise<RebuildProgress> {
  const { pool, tables, subscriptionId } = options;
  const started = performance.now();
  const slug = subscriptionId.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
  const building = `rebuild_${slug}`;
  const retired = `retired_${slug}`;
  const rebuildId = `${subscriptionId}:rebuild`;
  const total = Number((await pool.query('select count(*)::int as n from es.events')).rows[0].n);
  let handled = 0;
  const report = (phase: RebuildProgress['phase']) => {
    const p = { phase, handled, total, ms: performance.now() - started };
    options.onProgress?.(p);
    return p;
  };

  await pool.query(`drop schema if exists ${ident(building)} cascade; create schema ${ident(building)}`);
  for (const t of tables)
    await pool.query(`create table ${ident(building)}.${ident(t)} (like public.${ident(t)} including all)`);
  await resetCheckpoint(pool, rebuildId);
  const replay = new EventSubscription({
    pool,
    subscriptionId: rebuildId,
    batchSize: options.batchSize ?? 500,
    handle: async (events, client) => {
      await client.query(`set local search_path = ${ident(building)}, public`);
      await options.handle(events, client);
    },
  });
  /** Steps until nothing is readable; returns what it handled. */
  const catchUp = async () => {
    let n = 0;
    for (;;) {
      const r = await replay.step();
      if (!r || r.handled === 0) return n;
      n += r.handled;
      handled += r.handled;
      report('replay');
    }
  };

  await catchUp();
  for (let attempt = 1; ; attempt++) {
    try {
      await switchIn();
      break;
    } catch (err) {
      // 55P03: lock_not_available (a long reader held a table): catch up and try again.
      if ((err as { code?: string }).code !== '55P03' || attempt >= 10) throw err;
      await catchUp();
    }
  }
  await pool.query(`drop schema if exists ${ident(retired)} cascade`);
  await pool.query(`drop schema if exists ${ident(building)} cascade`);
  await pool.query('delete from es.checkpoints where subscription_id = $1', [rebuildId]);
  return report('done');

  async function switchIn() {
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(`set local lock_timeout = ${Number(options.lockTimeoutMs ?? 5_000)}`);
      // Holding the live checkpoint row pauses the live subscription (it skips a locked row).
      await client.query('select 1 from es.checkpoints where subscription_id = $1 for update', [
        subscriptionId,
      ]);
      await catchUp();
      report('switch');
      for (const t of tables) await client.query(`lock table public.${ident(t)} in access exclusive mode`);
      // Everything readable is in the new tables now; the live subscription goes on from where the
      // rebuild stopped (what it had read is in them too).
      await client.query(
        `update es.checkpoints live set transaction_id = r.transaction_id, global_position = r.global_position,
           updated_at = now()
         from es.checkpoints r where live.subscription_id = $1 and r.subscription_id = $2`,
        [subscriptionId, rebuildId],
      );
      await client.query(`drop schema if exists ${ident(retired)} cascade; create schema ${ident(retired)}`);
      for (const t of tables) {
        const names = await indexNames(client, 'public', t);
        await client.query(`alter table public.${ident(t)} set schema ${ident(retired)}`);
        await client.query(`alter table ${ident(building)}.${ident(t)} set schema public`);
        // The copies' indexes got generated names: give them the originals', so later migrations find them.
        const copies = await indexNames(client, 'public', t);
        for (const [definition, name] of names) {
          const copy = copies.get(definition);
          if (copy && copy !== name)
            await client.query(`alter index public.${ident(copy)} rename to ${ident(name)}`);
        }
      }
      await client.query('commit');
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}

/** Index name by its definition with the name and schema left out. */
async function indexNames(
  client: pg.PoolClient,
  schema: string,
  table: string,
): Promise<Map<string, string>> {
  const { rows } = await client.query(
    'select indexname, indexdef from pg_indexes where schemaname = $1 and tablename = $2',
    [schema, table],
  );
  return new Map(
    rows.map((r) => [String(r.indexdef).replace(/INDEX \S+ ON \S+\./, 'INDEX ON '), String(r.indexname)]),
  );
}
