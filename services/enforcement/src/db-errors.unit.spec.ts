// Database failures answer 503 (UNAVAILABLE), not 500: a real pool aimed at a port nobody listens on.
import { describe, expect, it } from '@jest/globals';
import { AppError } from '@parking/contracts';
import pg from 'pg';
import { isDatabaseError, withDatabase } from './db-errors.js';

describe('database errors', () => {
  it('turns an unreachable database into UNAVAILABLE', async () => {
    const pool = new pg.Pool({
      connectionString: 'postgres://nobody@127.0.0.1:1/none',
      connectionTimeoutMillis: 2_000,
    });
    try {
      await expect(withDatabase(() => pool.query('select 1'))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      await pool.end();
    }
  });

  it('keeps our own refusals and bugs as they are', async () => {
    await expect(
      withDatabase(async () => Promise.reject(new AppError('CONFLICT', 'x'))),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(withDatabase(async () => Promise.reject(new TypeError('bug')))).rejects.toBeInstanceOf(
      TypeError,
    );
    expect(isDatabaseError({ severity: 'ERROR', code: '57P01', message: 'terminating connection' })).toBe(
      true,
    );
    expect(isDatabaseError({ severity: 'ERROR', code: '40001', message: 'could not serialize' })).toBe(true);
    expect(isDatabaseError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseError(new Error('x is undefined'))).toBe(false);
  });
});
