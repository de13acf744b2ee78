import { describe, expect, it } from '@jest/globals';
import { MESSAGES, translate } from './i18n.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the portal's words", () => {
  it('has every English text with the same placeholders as the Norwegian one', () => {
    for (const [key, nb] of Object.entries(MESSAGES.nb)) {
      const en = MESSAGES.en[key as keyof typeof MESSAGES.en];
      expect([key, typeof en, placeholders(en)]).toEqual([key, 'string', placeholders(nb)]);
    }
  });

  it("keeps the guide's own words in Norwegian", () => {
    expect(
      ['newUser', 'sendSms', 'validateCode', 'newAgreement', 'order', 'myVehicles'].map(
        (k) => MESSAGES.nb[k as 'order'],
      ),
    ).toEqual(['Ny bruker?', 'Send SMS', 'Valider kode', 'Ny parkeringsavtale', 'Bestill', 'Kjøretøy']);
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('nb', 'plateHint', { n: 3 })).toBe(
      'Minst ett, maks 3. Trykk «Bekreft» etter hvert kjennemerke.',
    );
    expect(translate('en', 'receiptNo', {})).toBe('Receipt no. {n}');
  });
});
