// The operator's receipt export: only its operators, only its receipts, in a range, in pages; CSV
// lines for the ledger that match the receipts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '@parking/contracts';
import { runRenewals } from '../../commands/running-renewals/run-renewals.js';
import {
  activeAgreement,
  customerOf,
  harness,
  type Harness,
} from '../../commands/running-renewals/renewals.test-helpers.js';
import { adminListReceipts, adminReceiptsCsv } from './admin-receipts.js';

describe("the operator's receipts", () => {
  let h: Harness;
  let operator: RequestContext;
  const validTo = new Date('2027-02-10T23:00:00Z');
  const asOf = new Date(validTo.getTime() - 72 * 3_600_000);

  beforeAll(async () => {
    h = await harness();
    operator = {
      operatorId: h.operatorId,
      caller: { kind: 'user', userId: randomUUID(), roles: ['customer', 'operator'] },
      correlationId: 't',
    };
    for (let i = 0; i < 5; i++) await activeAgreement(h, { validTo });
    await runRenewals(h.deps, { operatorId: h.operatorId, asOf });
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists the receipts of a range in pages, by number', async () => {
    const first = await adminListReceipts(h.db.pool, operator, {
      from: '2027-02-01',
      to: '2027-02-28',
      limit: 3,
    });
    expect(first.items.map((r) => r.number)).toEqual([1, 2, 3]);
    const rest = await adminListReceipts(h.db.pool, operator, {
      from: '2027-02-01',
      to: '2027-02-28',
      limit: 3,
      cursor: first.nextCursor,
    });
    expect(rest).toMatchObject({ nextCursor: null });
    expect(rest.items.map((r) => r.number)).toEqual([4, 5]);
    expect((await adminListReceipts(h.db.pool, operator, { to: '2027-02-06' })).items).toEqual([]);
  });

  it('gives one CSV line per receipt with the amounts of the receipt', async () => {
    const { csv } = await adminReceiptsCsv(h.db.pool, operator, {});
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe('1,2027-02-08,charge,1000.00,250.00,1250.00,Ansatt måned');
  });

  it("is refused to customers and shows no other operator's receipts", async () => {
    await expect(
      adminListReceipts(h.db.pool, customerOf(h.operatorId, randomUUID()), {}),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const other = { ...operator, operatorId: randomUUID() };
    expect((await adminListReceipts(h.db.pool, other, {})).items).toEqual([]);
  });
});
