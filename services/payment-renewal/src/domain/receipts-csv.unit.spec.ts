import { describe, expect, it } from '@jest/globals';
import { nok } from '@parking/contracts';
import type { Receipt } from '@parking/contracts/payment';
import { exportRange, osloMidnight } from './receipt-bounds.js';
import { buildReceipt } from './receipt.js';
import { RECEIPTS_CSV_HEADER, receiptCsvLine } from './receipts-csv.js';

const receipt = (over: Partial<Receipt> = {}): Receipt => ({
  ...buildReceipt({
    id: 'r',
    number: 17,
    kind: 'charge',
    agreementId: 'a',
    issuedAt: new Date('2027-01-31T23:30:00Z'),
    seller: { name: 'Demo Parkering AS', organisationNumber: '999 999 999', address: 'Storgata 1' },
    buyer: { userId: 'u', name: null },
    product: { id: 'p', name: 'Ansatt måned' },
    plates: ['EK12345'],
    period: { from: '2027-01-31T23:00:00.000Z', to: '2027-02-28T23:00:00.000Z' },
    amount: 125000,
    vatRate: 25,
  }),
  ...over,
});

describe('the receipts CSV for the ledger', () => {
  it('has number, date, kind, net, VAT, total and product', () => {
    expect(RECEIPTS_CSV_HEADER).toBe('number,date,kind,net,vat,total,product\r\n');
    // 23:30 UTC on 31 January is 1 February in Oslo.
    expect(receiptCsvLine(receipt())).toBe('17,2027-02-01,charge,1000.00,250.00,1250.00,Ansatt måned\r\n');
  });

  it('shows a credit note with negative amounts', () => {
    const note = receipt({ kind: 'refund', net: nok(-50001), vat: nok(-12500), total: nok(-62501) });
    expect(receiptCsvLine(note)).toBe('17,2027-02-01,refund,-500.01,-125.00,-625.01,Ansatt måned\r\n');
  });

  it('quotes product names with commas or quotes, and defuses spreadsheet formulas', () => {
    const named = (name: string) =>
      receiptCsvLine(receipt({ product: { id: 'p', name } }))
        .split(',')
        .slice(6)
        .join(',');
    expect(named('Ansatt, måned "Pluss"')).toBe('"Ansatt, måned ""Pluss"""\r\n');
    expect(named('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"\r\n`);
  });
});

describe('the range of an export', () => {
  it('reads calendar dates in Europe/Oslo, the end date included', () => {
    expect(exportRange('2027-01-01', '2027-01-31')).toEqual({
      from: new Date('2026-12-31T23:00:00Z'),
      toExclusive: new Date('2027-01-31T23:00:00Z'),
    });
  });
  it('knows summer time and the days the clocks change', () => {
    expect(osloMidnight('2027-07-01')).toEqual(new Date('2027-06-30T22:00:00Z'));
    expect(osloMidnight('2027-03-28')).toEqual(new Date('2027-03-27T23:00:00Z'));
    expect(osloMidnight('2027-10-31')).toEqual(new Date('2027-10-30T22:00:00Z'));
  });
  it('takes instants as given', () => {
    expect(exportRange('2027-01-01T12:00:00+01:00', undefined)).toEqual({
      from: new Date('2027-01-01T11:00:00Z'),
      toExclusive: null,
    });
  });
});
