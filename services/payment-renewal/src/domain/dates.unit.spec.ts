// Dates as customers read them: the location's calendar day, Bokmål d.m.yyyy; receipt lines likewise.
import { describe, expect, it } from '@jest/globals';
import { localDay } from './dates.js';
import { buildReceipt } from './receipt.js';

describe('dates in texts and receipts', () => {
  it("tells an instant as the location's calendar day, d.m.yyyy", () => {
    expect(localDay(new Date('2026-12-01T23:00:00Z'), 'Europe/Oslo')).toBe('2.12.2026');
    expect(localDay(new Date('2026-12-01T23:00:00Z'), 'UTC')).toBe('1.12.2026');
    expect(localDay(new Date('2027-06-30T22:30:00Z'), 'Europe/Oslo')).toBe('1.7.2027');
  });

  it("states a receipt's period from its first to its last local day (validTo exclusive)", () => {
    const receipt = buildReceipt({
      id: 'r-1',
      number: 1,
      kind: 'charge',
      agreementId: 'a-1',
      issuedAt: new Date('2026-12-01T23:00:00Z'),
      seller: { name: 'Demo Parkering AS', organisationNumber: '1', address: 'a' },
      buyer: { userId: 'u-1', name: null },
      product: { id: 'p-1', name: 'Ansatt måned' },
      plates: ['EK12345'],
      period: { from: '2026-12-01T23:00:00.000Z', to: '2027-01-01T23:00:00.000Z' },
      amount: 125000,
      vatRate: 25,
      timeZone: 'Europe/Oslo',
    });
    expect(receipt.lines[0].text).toBe('Ansatt måned (2.12.2026 – 1.1.2027)');
  });
});
