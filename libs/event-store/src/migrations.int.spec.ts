import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { testDatabase, type TestDatabase } from '@parking/testing';
import { eventStoreMigrations, migrationChecksum, migrationStatus, runMigrations } from './migrations.js';

describe('runMigrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await testDatabase('es_migrations');
  });
  afterAll(() => db.drop());

  const applied = async (table = 'public.schema_migrations') =>
    (await db.pool.query(`select id from ${table} order by id`)).rows.map((r) => r.id as string);

  it('applies each migration once, in number order, when several processes run them at the same time', async () => {
    await db.pool.query('create table runs (id text, at serial)');
    // Listed out of order: they must run as t_001, t_002, t_003.
    const migrations = ['t_003', 't_001', 't_002'].map((id) => ({
      id,
      sql: `insert into runs (id) values ('${id}'); select pg_sleep(0.05);`,
    }));
    const results = await Promise.all(Array.from({ length: 4 }, () => runMigrations(db.pool, migrations)));
    expect(results.flat().sort()).toEqual(['t_001', 't_002', 't_003']);
    const { rows } = await db.pool.query('select id from runs order by at');
    expect(rows.map((r) => r.id)).toEqual(['t_001', 't_002', 't_003']);
    expect(await runMigrations(db.pool, migrations)).toEqual([]);
    expect(await applied()).toEqual(['t_001', 't_002', 't_003']);
  });

  it('keeps the migrations before a failing one, and records not the failing one', async () => {
    const table = 'public.failing_migrations';
    const migrations = [
      { id: 'f_001', sql: 'create table f_one (id int)' },
      { id: 'f_002', sql: 'create table f_two (id int); select 1/0' },
      { id: 'f_003', sql: 'create table f_three (id int)' },
    ];
    await expect(runMigrations(db.pool, migrations, { table })).rejects.toThrow(/division by zero/);
    expect(await applied(table)).toEqual(['f_001']);
    const { rows } = await db.pool.query(`select to_regclass('f_one') as one, to_regclass('f_two') as two`);
    expect(rows[0]).toEqual({ one: 'f_one', two: null });
    migrations[1].sql = 'create table f_two (id int)';
    expect(await runMigrations(db.pool, migrations, { table })).toEqual(['f_002', 'f_003']);
  });

  it('creates the event store schema', async () => {
    await runMigrations(db.pool, eventStoreMigrations);
    const { rows } = await db.pool.query(
      `select table_name from information_schema.tables where table_schema = 'es' order by table_name`,
    );
    expect(rows.map((r) => r.table_name)).toEqual(['checkpoints', 'events', 'outbox_states', 'streams']);
  });

  it('refuses a list with the same id twice', async () => {
    await expect(
      runMigrations(db.pool, [
        { id: 'd_001', sql: 'select 1' },
        { id: 'd_001', sql: 'select 2' },
      ]),
    ).rejects.toThrow(/twice/);
  });

  it('applies module by module in the order listed, not in alphabetical order of the ids', async () => {
    const table = 'public.module_order_migrations';
    await db.pool.query('create table module_runs (id text, at serial)');
    const run = (id: string) => ({ id, sql: `insert into module_runs (id) values ('${id}')` });
    // As a service's database lists them: the event store's, then the service's ("agreement" < "es").
    const migrations = [run('es_001_x'), run('es_002_x'), run('agreement_002_y'), run('agreement_001_y')];
    await runMigrations(db.pool, migrations, { table });
    const { rows } = await db.pool.query('select id from module_runs order by at');
    expect(rows.map((r) => r.id)).toEqual(['es_001_x', 'es_002_x', 'agreement_001_y', 'agreement_002_y']);
  });

  it('refuses to run anything once an applied migration was edited, and reports it changed', async () => {
    const table = 'public.edited_migrations';
    const migrations = [{ id: 'e_001', sql: 'create table e_one (id int)' }];
    await runMigrations(db.pool, migrations, { table });
    const { rows } = await db.pool.query(`select checksum from ${table}`);
    expect(rows[0].checksum).toBe(migrationChecksum(migrations[0]));

    const edited = [
      { id: 'e_001', sql: 'create table e_one (id bigint)' },
      { id: 'e_002', sql: 'create table e_two (id int)' },
    ];
    await expect(runMigrations(db.pool, edited, { table })).rejects.toThrow(/e_001 was changed/);
    const two = await db.pool.query(`select to_regclass('e_two') as two`);
    expect(two.rows[0].two).toBeNull();
    const status = await migrationStatus(db.pool, edited, { table });
    expect(status.map((m) => [m.id, m.state])).toEqual([
      ['e_001', 'changed'],
      ['e_002', 'pending'],
    ]);
  });

  it('refuses a new migration numbered below an applied one of its module', async () => {
    const table = 'public.late_migrations';
    await runMigrations(db.pool, [{ id: 'l_002', sql: 'select 1' }], { table });
    await expect(
      runMigrations(
        db.pool,
        [
          { id: 'l_001', sql: 'create table l_one (id int)' },
          { id: 'l_002', sql: 'select 1' },
        ],
        { table },
      ),
    ).rejects.toThrow(/l_001 is new but l_002 is applied/);
    const { rows } = await db.pool.query(`select to_regclass('l_one') as one`);
    expect(rows[0].one).toBeNull();
  });

  it('reports applied, pending and unknown migrations without changing anything', async () => {
    const table = 'public.status_migrations';
    expect((await migrationStatus(db.pool, [{ id: 's_001', sql: 'select 1' }], { table }))[0].state).toBe(
      'pending',
    );
    expect((await db.pool.query(`select to_regclass('${table}') as t`)).rows[0].t).toBeNull();
    await runMigrations(
      db.pool,
      [
        { id: 's_001', sql: 'select 1' },
        { id: 's_002', sql: 'select 2' },
      ],
      { table },
    );
    const status = await migrationStatus(
      db.pool,
      [
        { id: 's_001', sql: 'select 1' },
        { id: 's_003', sql: 'select 3' },
      ],
      { table },
    );
    expect(status.map((m) => [m.id, m.state])).toEqual([
      ['s_001', 'applied'],
      ['s_003', 'pending'],
      ['s_002', 'unknown'],
    ]);
    expect(status[0].appliedAt).toBeInstanceOf(Date);
  });

  it('fills in the checksums of migrations recorded before checksums, then guards them', async () => {
    const table = 'public.old_migrations';
    await db.pool.query(
      `create table ${table} (id text primary key, applied_at timestamptz not null default now())`,
    );
    await db.pool.query(`insert into ${table} (id) values ('o_001')`);
    const migrations = [{ id: 'o_001', sql: 'select 1' }];
    expect(await runMigrations(db.pool, migrations, { table })).toEqual([]);
    expect((await db.pool.query(`select checksum from ${table}`)).rows[0].checksum).toBe(
      migrationChecksum(migrations[0]),
    );
    await expect(runMigrations(db.pool, [{ id: 'o_001', sql: 'select 2' }], { table })).rejects.toThrow(
      /changed/,
    );
  });

  it('refuses ids that do not say their module and number', async () => {
    await expect(runMigrations(db.pool, [{ id: 'no-number', sql: 'select 1' }])).rejects.toThrow(
      /<module>_<NNN>/,
    );
  });
});
