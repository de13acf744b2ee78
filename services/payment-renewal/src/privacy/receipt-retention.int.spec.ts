// Receipts older than 5 years are deleted; younger ones, and the receipt numbering, stay.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventStoreMigrations, runMigrations } from '@parking/event-store';
import { messagingMigrations } from '@parking/messaging';
import { testDatabase, type TestDatabase } from '@parking/testing';
import { migrations } from '../migrations/index.js';
import { purgeOldReceipts } from './receipt-retention.js';

describe('receipt retention', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await testDatabase('receipt_retention');
    await runMigrations(db.pool, [...eventStoreMigrations, ...messagingMigrations, ...migrations]);
  }, 60_000);
  afterAll(() => db.drop());

  it('deletes receipts issued more than 5 years ago, keeps the rest', async () => {
    const issue = (number: number, issuedAt: string) =>
      db.pool.query(
        `insert into receipts (operator_id, id, number, user_id, agreement_id, kind, issued_at, body)
         values ('op-1', $1, $2, 'u-1', $3, 'charge', $4, '{}')`,
        [randomUUID(), number, randomUUID(), issuedAt],
      );
    await issue(1, '2021-03-01T11:59:59Z');
    await issue(2, '2021-03-01T12:00:01Z');
    await issue(3, '2025-06-01T00:00:00Z');
    expect(await purgeOldReceipts(db.pool, new Date('2026-03-01T12:00:00Z'))).toBe(1);
    const { rows } = await db.pool.query('select number from receipts order by number');
    expect(rows.map((r) => Number(r.number))).toEqual([2, 3]);
  });
});
