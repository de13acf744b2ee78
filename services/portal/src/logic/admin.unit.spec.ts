import { describe, expect, it } from '@jest/globals';
import {
  adminPagesFor,
  canIssueSanction,
  isStaff,
  parseKroner,
  parseStaffCsv,
  renewalsPayNewPriceFrom,
} from './admin.js';

describe("the console's pages by role", () => {
  it('gives operators every page, officers only the sanctions, customers and devices none', () => {
    expect(adminPagesFor(['customer', 'operator'])).toEqual([
      'agreements',
      'products',
      'receipts',
      'devices',
      'users',
      'sanctions',
    ]);
    expect(adminPagesFor(['customer', 'officer'])).toEqual(['sanctions']);
    expect(adminPagesFor(['customer'])).toEqual([]);
    expect(adminPagesFor(['device'])).toEqual([]);
    expect(isStaff(['customer'])).toBe(false);
    expect(isStaff(['customer', 'officer'])).toBe(true);
  });

  it('lets officers issue sanctions, not operators', () => {
    expect(canIssueSanction(['customer', 'officer'])).toBe(true);
    expect(canIssueSanction(['customer', 'operator'])).toBe(false);
  });
});

describe('a staff list from a CSV file', () => {
  it('reads one number per line or the first column, skipping a header, blanks, quotes and a BOM', () => {
    const csv = '\uFEFFAnsattnummer;Navn\r\n10001;Kari\r\n"10002";Ola\n\n 10003 ,x\n10001;Kari igjen\n';
    expect(parseStaffCsv(csv)).toEqual({ numbers: ['10001', '10002', '10003'], rejected: [], duplicates: 1 });
  });

  it('names the lines that hold no employee number', () => {
    const parsed = parseStaffCsv('10001\nhei på deg\n10002\n');
    expect(parsed.numbers).toEqual(['10001', '10002']);
    expect(parsed.rejected).toEqual([{ line: 2, text: 'hei på deg' }]);
  });
});

describe('prices as typed', () => {
  it('takes kroner with a comma or a point and spaces, into øre', () => {
    expect(parseKroner('1 250')).toBe(125000);
    expect(parseKroner('1250,5')).toBe(125050);
    expect(parseKroner('99.99')).toBe(9999);
    expect(parseKroner('')).toBeNull();
    expect(parseKroner('-5')).toBeNull();
    expect(parseKroner('12,345')).toBeNull();
    expect(parseKroner('gratis')).toBeNull();
  });

  it('tells when renewals pay a new price: 30 days after the change', () => {
    expect(renewalsPayNewPriceFrom(new Date('2026-12-02T10:00:00Z')).toISOString()).toBe(
      '2027-01-01T10:00:00.000Z',
    );
  });
});
