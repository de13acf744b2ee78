import { describe, expect, it } from '@jest/globals';
import { productionProblems } from './production-guards.js';

describe('production guards', () => {
  const safe = {
    NODE_ENV: 'production',
    PSP_PROVIDER: 'stripe',
    PSP_WEBHOOK_SECRET: 'k3J9vQ2xLr8TzW4pN6yH1mB5',
  };

  it('finds nothing wrong with safe settings, nor outside production', () => {
    expect(productionProblems(safe)).toEqual([]);
    expect(productionProblems({ NODE_ENV: 'production' })).toEqual([]);
    expect(
      productionProblems({ NODE_ENV: 'development', PSP_PROVIDER: 'sandbox', SMS_PROVIDER: 'dev-inbox' }),
    ).toEqual([]);
  });

  it('names each unsafe setting', () => {
    expect(productionProblems({ ...safe, PSP_PROVIDER: 'sandbox' })).toEqual([
      expect.stringMatching(/^PSP_PROVIDER: /),
    ]);
    for (const secret of [
      undefined,
      '',
      '  ',
      'sandbox-webhook-secret-change-me',
      'dev-only-psp-webhook-secret',
    ])
      expect(productionProblems({ ...safe, PSP_WEBHOOK_SECRET: secret })).toEqual([
        expect.stringMatching(/^PSP_WEBHOOK_SECRET: /),
      ]);
    expect(productionProblems({ NODE_ENV: 'production', SMS_PROVIDER: 'dev-inbox' })).toEqual([
      expect.stringMatching(/^SMS_PROVIDER: /),
    ]);
  });
});
