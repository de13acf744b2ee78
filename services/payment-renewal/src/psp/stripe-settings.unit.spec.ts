// Stripe's secrets come from the environment or a secret reference (a mounted file), one or the other,
// both or neither; a failure names the variable, never the value.
import { describe, expect, it } from '@jest/globals';
import { returnUrlAllowed } from '../projections/payment-methods/payment-methods.js';
import { stripeSettings } from './stripe-settings.js';

const base = {
  STRIPE_API_URL: 'https://api.stripe.com',
  STRIPE_TIMEOUT_MS: 20_000,
  STRIPE_WEBHOOK_TOLERANCE_S: 300,
};
const files: Record<string, string> = {
  '/run/secrets/stripe-key': 'sk_live_from_file_123\n',
  '/run/secrets/stripe-webhook': 'whsec_from_file_456\n',
  '/run/secrets/empty': '\n',
};
const read = (path: string) => {
  if (!(path in files)) throw new Error(`ENOENT: ${path}`);
  return files[path]!;
};

describe('Stripe settings', () => {
  it('is off (the sandbox only) when no Stripe secret is given', () => {
    expect(stripeSettings(base, read)).toBeNull();
  });

  it('takes the secrets from the environment, or from the files a secret reference names', () => {
    expect(
      stripeSettings(
        { ...base, STRIPE_SECRET_KEY: 'sk_test_abc123', STRIPE_WEBHOOK_SECRET: 'whsec_abc123' },
        read,
      ),
    ).toMatchObject({ secretKey: 'sk_test_abc123', webhookSecret: 'whsec_abc123' });
    expect(
      stripeSettings(
        {
          ...base,
          STRIPE_SECRET_KEY_FILE: '/run/secrets/stripe-key',
          STRIPE_WEBHOOK_SECRET_FILE: '/run/secrets/stripe-webhook',
        },
        read,
      ),
    ).toMatchObject({ secretKey: 'sk_live_from_file_123', webhookSecret: 'whsec_from_file_456' });
  });

  it('refuses half a configuration, both forms at once, or an empty file, naming the variable only', () => {
    const attempts = [
      { STRIPE_SECRET_KEY: 'sk_test_abc123' },
      { STRIPE_WEBHOOK_SECRET: 'whsec_abc123' },
      {
        STRIPE_SECRET_KEY: 'sk_test_abc123',
        STRIPE_SECRET_KEY_FILE: '/run/secrets/stripe-key',
        STRIPE_WEBHOOK_SECRET: 'whsec_abc123',
      },
      { STRIPE_SECRET_KEY_FILE: '/run/secrets/empty', STRIPE_WEBHOOK_SECRET: 'whsec_abc123' },
    ];
    for (const attempt of attempts) {
      let message = '';
      try {
        stripeSettings({ ...base, ...attempt }, read);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/STRIPE_/);
      expect(message).not.toMatch(/sk_test_abc123|whsec_abc123|sk_live_from_file/);
    }
  });
});

describe('3-D Secure return URLs', () => {
  const hosts = ['parkering.example.no'];
  it("allow https on the operator's hosts, and loopback hosts in development", () => {
    expect(returnUrlAllowed('https://parkering.example.no/?a=1#/buy/x', hosts)).toBe(true);
    expect(returnUrlAllowed('https://PARKERING.example.no/', hosts)).toBe(true);
    expect(returnUrlAllowed('http://127.0.0.1:5173/#/buy', hosts)).toBe(true);
    expect(returnUrlAllowed('http://localhost:8080/', hosts)).toBe(true);
  });
  it('refuse every other place (no open redirect through the PSP)', () => {
    for (const url of [
      'http://parkering.example.no/',
      'https://parkering.example.no.evil.com/',
      'https://evil.com/?parkering.example.no',
      'https://user:pw@parkering.example.no/',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'not a url',
    ])
      expect([url, returnUrlAllowed(url, hosts)]).toEqual([url, false]);
  });
});
