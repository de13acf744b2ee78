// Versioned SQL migrations for any service's database, and the event store's own schema `es`.
//
// Our own small runner rather than a library such as node-pg-migrate: a service's database takes the
// migrations of three modules (the event store's, messaging's, then the service's own), all of them SQL
// strings compiled into the service's code, so the images carry no migration files and the libraries
// bring their tables wherever they are used; node-pg-migrate orders one directory of files by name. The
// runner gives the properties a library would: a fixed order per database, each migration once in its
// own transaction, one runner at a time across replicas, a checksum that refuses an edited migration,
// and a status report (`migrationStatus`, `npm run migrations -- status <service>`).
import { createHash } from 'node:crypto';
import type pg from 'pg';

export interface Migration {
  /**
   * `<module>_<NNN>_<what>`, unique. A database applies its modules in the order they are listed
   * (event store, messaging, the service), and each module's migrations in number order.
   */
  id: string;
  sql: string;
}

export type MigrationState =
  /** Applied, and the SQL is the one that was applied. */
  | 'applied'
  /** Not yet applied: the next run applies it. */
  | 'pending'
  /** Applied, but its SQL has been edited since: runs refuse to start until that is undone. */
  | 'changed'
  /** Recorded in the database but not in this code (a newer version ran here, or it was deleted). */
  | 'unknown';

export interface MigrationStatus {
  id: string;
  state: MigrationState;
  appliedAt: Date | null;
  /** sha256 of the SQL as recorded when it was applied (null for rows recorded before checksums). */
  checksum: string | null;
}

/** Serialises migration runs across processes: two replicas starting at once apply each migration once. */
const MIGRATION_LOCK = 7_317_001;
const ID = /^([a-z][a-z0-9]*)_(\d{3,})(?:_[a-z0-9_]+)?$/;

export const migrationChecksum = (migration: Migration) =>
  createHash('sha256').update(migration.sql).digest('hex');

/**
 * The order a database applies `migrations` in: module by module in the order the modules first appear
 * in the list, each module's migrations by number. Refuses malformed and duplicate ids.
 */
export function orderMigrations(migrations: Migration[]): Migration[] {
  const modules = new Map<string, { number: number; migration: Migration }[]>();
  const seen = new Set<string>();
  for (const migration of migrations) {
    const match = ID.exec(migration.id);
    if (!match) throw new Error(`migration id ${migration.id} is not <module>_<NNN>_<what>`);
    if (seen.has(migration.id)) throw new Error(`migration ${migration.id} is listed twice`);
    seen.add(migration.id);
    const [, module, number] = match;
    if (!modules.has(module)) modules.set(module, []);
    modules.get(module)!.push({ number: Number(number), migration });
  }
  const ordered: Migration[] = [];
  for (const [module, list] of modules) {
    list.sort((a, b) => a.number - b.number);
    const clash = list.find((m, i) => i > 0 && list[i - 1].number === m.number);
    if (clash) throw new Error(`module ${module} has two migrations numbered ${clash.number}`);
    ordered.push(...list.map((m) => m.migration));
  }
  return ordered;
}

interface Recorded {
  id: string;
  checksum: string | null;
  applied_at: Date;
}

const moduleOf = (id: string) => ID.exec(id)?.[1];
const numberOf = (id: string) => Number(ID.exec(id)?.[2] ?? NaN);

/** Why `ordered` cannot run against what `recorded` says: an edited or a late-numbered migration. */
function refusal(ordered: Migration[], recorded: Map<string, Recorded>): string | null {
  for (const migration of ordered) {
    const row = recorded.get(migration.id);
    if (row?.checksum && row.checksum !== migrationChecksum(migration))
      return (
        `migration ${migration.id} was changed after it was applied (sha256 ${row.checksum.slice(0, 12)}… ` +
        `then, ${migrationChecksum(migration).slice(0, 12)}… now): restore it and add a new migration instead`
      );
    if (!row) {
      // A new migration numbered below one of its module's applied ones would run after it.
      const later = [...recorded.keys()].find(
        (id) => moduleOf(id) === moduleOf(migration.id) && numberOf(id) > numberOf(migration.id),
      );
      if (later)
        return `migration ${migration.id} is new but ${later} is applied already: number it after ${later}`;
    }
  }
  return null;
}

async function ensureTable(client: pg.PoolClient, table: string) {
  await inLockedTransaction(client, async () => {
    await client.query(
      `create table if not exists ${table} (id text primary key, applied_at timestamptz not null default now())`,
    );
    // Added with checksums; rows recorded before have none until the next run fills them in.
    await client.query(`alter table ${table} add column if not exists checksum text`);
  });
}

async function recordedIn(client: pg.ClientBase, table: string): Promise<Map<string, Recorded>> {
  const { rows } = await client.query<Recorded>(`select id, checksum, applied_at from ${table}`);
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Applies, in the database's order (`orderMigrations`), the migrations not yet recorded in `table`, each
 * in its own transaction (a failure keeps the ones before it). Refuses to apply anything when an applied
 * migration's SQL has changed or a new one is numbered below an applied one of its module. Returns the
 * ids it applied.
 */
export async function runMigrations(
  pool: pg.Pool,
  migrations: Migration[],
  options: { table?: string } = {},
): Promise<string[]> {
  const table = options.table ?? 'public.schema_migrations';
  const ordered = orderMigrations(migrations);
  const applied: string[] = [];
  const client = await pool.connect();
  try {
    await ensureTable(client, table);
    await inLockedTransaction(client, async () => {
      const recorded = await recordedIn(client, table);
      const refused = refusal(ordered, recorded);
      if (refused) throw new Error(refused);
      // Rows from before checksums: what runs now is taken as what was applied.
      for (const migration of ordered)
        if (recorded.get(migration.id)?.checksum === null)
          await client.query(`update ${table} set checksum = $2 where id = $1`, [
            migration.id,
            migrationChecksum(migration),
          ]);
    });
    for (const migration of ordered) {
      // Re-checked under the lock: another process may have applied it since we looked.
      const done = await inLockedTransaction(client, async () => {
        const { rowCount } = await client.query(`select 1 from ${table} where id = $1`, [migration.id]);
        if (rowCount) return true;
        await client.query(migration.sql);
        await client.query(`insert into ${table} (id, checksum) values ($1, $2)`, [
          migration.id,
          migrationChecksum(migration),
        ]);
        return false;
      });
      if (!done) applied.push(migration.id);
    }
  } finally {
    client.release();
  }
  return applied;
}

/**
 * Every migration of `migrations` in the order a run applies them, with its state in the database, then
 * those the database has recorded that the list does not know. Changes nothing.
 */
export async function migrationStatus(
  pool: pg.Pool,
  migrations: Migration[],
  options: { table?: string } = {},
): Promise<MigrationStatus[]> {
  const table = options.table ?? 'public.schema_migrations';
  const ordered = orderMigrations(migrations);
  const { rows } = await pool.query<{ exists: boolean; checksums: boolean }>(
    `select to_regclass($1) is not null as exists,
            exists (select 1 from information_schema.columns
                     where table_schema || '.' || table_name = $1 and column_name = 'checksum') as checksums`,
    [table],
  );
  const recorded = new Map<string, Recorded>();
  if (rows[0].exists) {
    const select = rows[0].checksums ? 'id, checksum, applied_at' : 'id, null as checksum, applied_at';
    for (const r of (await pool.query<Recorded>(`select ${select} from ${table}`)).rows)
      recorded.set(r.id, r);
  }
  const known = new Set(ordered.map((m) => m.id));
  return [
    ...ordered.map((migration): MigrationStatus => {
      const row = recorded.get(migration.id);
      if (!row) return { id: migration.id, state: 'pending', appliedAt: null, checksum: null };
      const changed = row.checksum !== null && row.checksum !== migrationChecksum(migration);
      return {
        id: migration.id,
        state: changed ? 'changed' : 'applied',
        appliedAt: row.applied_at,
        checksum: row.checksum,
      };
    }),
    ...[...recorded.values()]
      .filter((r) => !known.has(r.id))
      .sort((a, b) => a.applied_at.getTime() - b.applied_at.getTime())
      .map((r): MigrationStatus => ({
        id: r.id,
        state: 'unknown',
        appliedAt: r.applied_at,
        checksum: r.checksum,
      })),
  ];
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
