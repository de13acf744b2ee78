import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { testDatabase, type TestDatabase } from '@parking/testing';
import { eventStoreMigrations, runMigrations } from './migrations.js';

describe('runMigrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await testDatabase('es_migrations');
  });
  afterAll(() => db.drop());

  const applied = async (table = 'public.schema_migrations') =>
    (await db.pool.query(`select id from ${table} order by id`)).rows.map((r) => r.id as string);

  it('applies each migration once, in id order, when several processes run them at the same time', async () => {
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
});
