import { describe, expect, it } from '@jest/globals';
import { checkOffline, type Whitelist } from './whitelist.js';

const list: Whitelist = {
  zone: 'z1',
  asOf: '2026-06-01T10:00:00Z',
  items: [
    { plate: 'EK12345', country: 'NO', agreementId: 'a1', validTo: '2026-06-02T10:00:00Z' },
    { plate: 'SE999', country: 'SE', agreementId: 'a2', validTo: '2026-07-01T00:00:00Z' },
  ],
};

describe("the attendant's offline answer from a zone's whitelist", () => {
  it('allows a listed plate until its validTo, normalising what was typed', () => {
    expect(checkOffline(list, 'ek 12-345', 'NO', new Date('2026-06-02T09:59:59Z'))).toEqual({
      allowed: true,
      reason: 'valid_agreement',
      agreementId: 'a1',
      validTo: '2026-06-02T10:00:00Z',
    });
  });

  it('says ended once the listed agreement has run out', () => {
    expect(checkOffline(list, 'EK12345', 'NO', new Date('2026-06-02T10:00:00Z'))).toMatchObject({
      allowed: false,
      reason: 'ended',
    });
  });

  it('refuses a plate not on the list, or listed for another country', () => {
    expect(checkOffline(list, 'AB123', 'NO', new Date('2026-06-01T11:00:00Z')).reason).toBe(
      'not_in_whitelist',
    );
    expect(checkOffline(list, 'SE999', 'NO', new Date('2026-06-01T11:00:00Z')).allowed).toBe(false);
  });
});
