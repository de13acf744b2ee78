// A withdrawal or termination with a refund: refunded once through the PSP, whatever redeliveries,
// with a credit note that adds up and RefundIssued.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runRenewals } from '../../commands/running-renewals/run-renewals.js';
import {
  activeAgreement,
  harness,
  tell,
  type Harness,
} from '../../commands/running-renewals/renewals.test-helpers.js';

describe('refunding the last paid period', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => {
    await h.close();
  });

  async function paidForPeriod2() {
    const a = await activeAgreement(h, { validTo: new Date('2027-02-10T23:00:00Z') });
    await runRenewals(h.deps, { operatorId: h.operatorId, asOf: new Date(a.renewal.dueAt) });
    return a;
  }

  it('refunds the pro-rata share once, with a credit note that adds up, when the event comes twice', async () => {
    const a = await paidForPeriod2();
    const refund = { periodNumber: 2, amount: { amount: 62501, currency: 'NOK' as const } };
    const ended = { status: 'ended' as const, renewal: null, refund, endedAt: '2027-02-20T12:00:00.000Z' };
    await tell(h, a, 'AgreementTerminated', ended);
    a.version -= 1; // the same event again
    await tell(h, a, 'AgreementTerminated', ended);

    const refunds = await h.db.pool.query(
      'select count(*)::int as n from sandbox_refunds where idempotency_key = $1',
      [`refund:${a.agreementId}:2`],
    );
    expect(refunds.rows[0].n).toBe(1);
    const notes = (
      await h.db.pool.query(`select body from receipts where agreement_id = $1 and kind = 'refund'`, [
        a.agreementId,
      ])
    ).rows.map((r) => r.body);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      kind: 'refund',
      issuedAt: '2027-02-20T12:00:00.000Z',
      total: { amount: -62501 },
      vat: { amount: -12500 },
      net: { amount: -50001 },
      period: a.renewal.period,
    });
    const [issued] = await h.deps.store.readStream(`refund-${a.agreementId}-2`);
    expect(issued).toMatchObject({
      type: 'RefundIssued',
      data: { periodNumber: 2, amount: { amount: 62501 }, receiptId: notes[0].id },
    });
  });

  it('refunds nothing when the agreement says there is nothing to refund', async () => {
    const a = await paidForPeriod2();
    await tell(h, a, 'AgreementTerminated', { status: 'ended', renewal: null, refund: null });
    const n = await h.db.pool.query('select count(*)::int as n from refunds where agreement_id = $1', [
      a.agreementId,
    ]);
    expect(n.rows[0].n).toBe(0);
  });

  it('refuses to refund more than was charged, and records nothing', async () => {
    const a = await paidForPeriod2();
    await expect(
      tell(h, a, 'AgreementWithdrawn', {
        status: 'ended',
        renewal: null,
        refund: { periodNumber: 2, amount: { amount: 125001, currency: 'NOK' } },
      }),
    ).rejects.toMatchObject({ code: 'RULE_VIOLATED' });
    const n = await h.db.pool.query('select count(*)::int as n from refunds where agreement_id = $1', [
      a.agreementId,
    ]);
    expect(n.rows[0].n).toBe(0);
  });
});
