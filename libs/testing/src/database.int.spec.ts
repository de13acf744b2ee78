import { describe, expect, it } from '@jest/globals';
import { testDatabase } from './database.js';
import { testNatsConnection } from './nats.js';

describe('test servers', () => {
  it('gives each suite a fresh, empty database', async () => {
    const a = await testDatabase();
    const b = await testDatabase();
    try {
      expect(a.url).not.toEqual(b.url);
      await a.pool.query('create table marker (id int)');
      const { rows } = await b.pool.query(
        "select count(*)::int as n from pg_tables where tablename = 'marker'",
      );
      expect(rows[0].n).toBe(0);
    } finally {
      await a.drop();
      await b.drop();
    }
  });

  it('reaches a nats-server with JetStream', async () => {
    const nc = await testNatsConnection();
    try {
      const info = nc.info;
      expect(info?.jetstream).toBe(true);
    } finally {
      await nc.close();
    }
  });
});
