// Versioned SQL migrations for any service's database, and the event store's own schema `es`.
import type pg from 'pg';

export interface Migration {
  /** Unique and sortable: `<service>_<NNN>_<what>`. Applied in id order, each once. */
  id: string;
  sql: string;
}

/** Serialises migration runs across processes: two replicas starting at once apply each migration once. */
const MIGRATION_LOCK = 7_317_001;

/**
 * Applies, in id order, the migrations not yet recorded in `table`, each in its own transaction
 * (a failure keeps the ones before it). Returns the ids it applied.
 */
export async function runMigrations(
  pool: pg.Pool,
  migrations: Migration[],
  options: { table?: string } = {},
): Promise<string[]> {
  const table = options.table ?? 'public.schema_migrations';
  const ordered = [...migrations].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const duplicate = ordered.find((m, i) => i > 0 && ordered[i - 1].id === m.id);
  if (duplicate) throw new Error(`migration ${duplicate.id} is listed twice`);
  const applied: string[] = [];
  const client = await pool.connect();
  try {
    await inLockedTransaction(client, () =>
      client.query(
        `create table if not exists ${table} (id text primary key, applied_at timestamptz not null default now())`,
      ),
    );
    for (const migration of ordered) {
      // Re-checked under the lock: another process may have applied it since we looked.
      const done = await inLockedTransaction(client, async () => {
        const { rowCount } = await client.query(`select 1 from ${table} where id = $1`, [migration.id]);
        if (rowCount) return true;
        await client.query(migration.sql);
        await client.query(`insert into ${table} (id) values ($1)`, [migration.id]);
        return false;
      });
      if (!done) applied.push(migration.id);
    }
  } finally {
    client.release();
  }
  return applied;
}

async function inLockedTransaction<T>(client: pg.PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('begin');
  try {
    await client.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const result = await work();
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  }
}

export const eventStoreMigrations: Migration[] = [
  {
    id: 'es_001_event_store',
    sql: `
      create schema if not exists es;
      create table es.streams (
        stream_id text primary key,
        stream_type text not null,
        version int not null
      );
      create table es.events (
        global_position bigint generated always as identity primary key,
        transaction_id xid8 not null default pg_current_xact_id(),
        event_id uuid not null unique,
        stream_id text not null,
        stream_version int not null,
        event_type text not null,
        schema_version int not null default 1,
        data jsonb not null,
        metadata jsonb not null,
        created_at timestamptz not null default now(),
        unique (stream_id, stream_version)
      );
      create index events_in_commit_order on es.events (transaction_id, global_position);
      create table es.checkpoints (
        subscription_id text primary key,
        transaction_id xid8 not null,
        global_position bigint not null,
        updated_at timestamptz not null default now()
      );
    `,
  },
  {
    id: 'es_002_version_from_events',
    sql: `
      -- A stream's version is its last event's: appends are guarded by the unique (stream_id,
      -- stream_version) index alone and no longer move a counter here. The column stays (nullable,
      -- unused) while replicas of the code before this migration may still run; it can be dropped later.
      alter table es.streams alter column version drop not null;
      comment on column es.streams.version is 'unused since es_002: a stream''s version is its last event''s';
    `,
  },
  {
    id: 'es_003_outbox_states',
    sql: `
      -- Per outbox (subscription) and folded stream: the stream's state after the last event that
      -- outbox published, so messages carrying a snapshot need no stream read (outbox.ts).
      create table es.outbox_states (
        subscription_id text not null,
        stream_id text not null,
        version int not null,
        state jsonb not null,
        primary key (subscription_id, stream_id)
      );
    `,
  },
];
