import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { buildReceipt, type ReceiptFacts } from './receipt.js';

const facts: ReceiptFacts = {
  id: 'r-1',
  number: 1,
  kind: 'charge',
  agreementId: 'a-1',
  issuedAt: new Date('2027-01-15T09:00:00Z'),
  seller: {
    name: 'Demo Parkering AS',
    organisationNumber: '999 999 999',
    address: 'Storgata 1, 3126 Tønsberg',
  },
  buyer: { userId: 'u-1', name: null },
  product: { id: 'p-1', name: 'Ansatt måned' },
  plates: ['EK12345'],
  period: { from: '2027-01-31T23:00:00.000Z', to: '2027-02-28T23:00:00.000Z' },
  amount: 125000,
  vatRate: 25,
};

describe('receipts', () => {
  it('shows 25 % VAT as a fifth of the VAT-inclusive total', () => {
    const receipt = buildReceipt(facts);
    expect(receipt.total).toEqual({ amount: 125000, currency: 'NOK' });
    expect(receipt.vat).toEqual({ amount: 25000, currency: 'NOK' });
    expect(receipt.net).toEqual({ amount: 100000, currency: 'NOK' });
  });

  it('rounds VAT to the øre and always adds up', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.constantFrom(0, 12, 15, 25),
        (amount, vatRate) => {
          const r = buildReceipt({ ...facts, amount, vatRate });
          expect(Number.isInteger(r.vat.amount)).toBe(true);
          expect(r.net.amount + r.vat.amount).toBe(r.total.amount);
          expect(Math.abs(r.vat.amount - (amount * vatRate) / (100 + vatRate))).toBeLessThanOrEqual(0.5);
        },
      ),
    );
  });

  it('shows a credit note with negative amounts', () => {
    const refund = buildReceipt({ ...facts, kind: 'refund', amount: 62500 });
    expect(refund.total.amount).toBe(-62500);
    expect(refund.vat.amount + refund.net.amount).toBe(-62500);
  });

  it('makes a pro-rata credit note add up to the øre, never above the charge', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom(0, 12, 15, 25),
        (charged, unusedShare, vatRate) => {
          // PRODUCT.md: the paid amount × the unused share of the period, rounded down to the øre.
          const refund = Math.floor(charged * unusedShare);
          fc.pre(refund > 0);
          const note = buildReceipt({ ...facts, kind: 'refund', amount: refund, vatRate });
          const charge = buildReceipt({ ...facts, amount: charged, vatRate });
          expect(note.total.amount).toBe(-refund);
          expect(note.net.amount + note.vat.amount).toBe(note.total.amount);
          expect(-note.vat.amount).toBeLessThanOrEqual(charge.vat.amount);
          expect(note.lines.reduce((sum, l) => sum + l.amount.amount, 0)).toBe(note.total.amount);
        },
      ),
    );
  });
});
