// Every text other services ask identity to send exists and renders its parameters (an unknown template
// would be refused, and the customer would never hear of a failed renewal or an expiring card).
import { describe, expect, it } from '@jest/globals';
import { TEMPLATES } from './sms.port.js';

const SENT: Record<string, Record<string, unknown>> = {
  otp: { code: '123456' },
  card_verification_code: { code: '654321' },
  receipt: { number: 7, product: 'Døgnparkering', amount: 'kr 150,00' },
  renewal_failed: { amount: 'kr 1 250,00', product: 'Ansatt måned', until: '2027-02-28' },
  renewal_refused: { product: 'Ansatt måned', until: '2027-02-28' },
  card_expiring: {
    card: 'visa ****4242',
    product: 'Ansatt måned',
    amount: 'kr 1 250,00',
    renewsAt: '2027-02-25',
  },
  agreement_ended: { product: 'Ansatt år' },
  agreement_ending: { product: 'Ansatt år', until: '2027-02-28' },
};

describe('SMS templates', () => {
  it.each(Object.entries(SENT))('renders %s with every parameter', (template, params) => {
    const text = TEMPLATES[template]?.(params);
    expect(text).toBeDefined();
    expect(text).not.toContain('undefined');
    for (const value of Object.values(params)) expect(text).toContain(String(value));
  });
});

describe('the failed-renewal text', () => {
  const params = { amount: 'kr 1 250,00', product: 'Ansatt måned', until: '2027-02-28', agreementId: 'a-1' };

  it("links to «Bytt kort» for the agreement in the operator's portal, with its customer service", () => {
    const text = TEMPLATES.renewal_failed(params, {
      hosts: ['parkering.example.no', 'www.parkering.example.no'],
      supportPhone: '+47 33 00 00 00',
    });
    expect(text).toContain('https://parkering.example.no/#/agreements/a-1/card');
    expect(text).toContain('Kundeservice: +47 33 00 00 00.');
  });

  it('says where to go when the operator has no portal host or the agreement is not named', () => {
    expect(TEMPLATES.renewal_failed(params, { hosts: [] })).toContain('Bytt kort i appen før 2027-02-28.');
    const { agreementId: _, ...unnamed } = params;
    expect(TEMPLATES.renewal_failed(unnamed, { hosts: ['p.example.no'] })).not.toContain('https://');
    expect(TEMPLATES.renewal_failed(params)).not.toContain('Kundeservice');
  });
});
