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
  refund: { amount: 'kr 1 250,00', product: 'Ansatt måned', number: 12 },
  agreement_terminated: { product: 'Ansatt måned', at: '2.12.2026' },
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
