// Stripe's signing scheme over the raw body: the bytes as sent are what is signed, an old timestamp
// is a replay, a rolled secret's second signature counts.
import { describe, expect, it } from '@jest/globals';
import { signStripePayload, verifyStripeSignature } from './stripe-signature.js';

const secret = 'whsec_test_secret_0123456789';
const payload = '{\n  "id": "evt_1",\n  "type": "payment_intent.succeeded"\n}';
const t = 1_790_000_000;
const header = (p = payload, s = secret, at = t) => `t=${at},v1=${signStripePayload(s, p, at)}`;
const verify = (h: string, p = payload, nowS = t + 10) =>
  verifyStripeSignature({ payload: p, header: h, secret, nowS, toleranceS: 300 });

describe('Stripe webhook signatures', () => {
  it('accepts the signature of the bytes as sent', () => {
    expect(verify(header())).toBe('valid');
  });

  it('refuses the same JSON with other whitespace or key order (no re-serialisation)', () => {
    const compact = JSON.stringify(JSON.parse(payload));
    expect(verify(header(), compact)).toBe('mismatch');
    expect(verify(header(), '{"type":"payment_intent.succeeded","id":"evt_1"}')).toBe('mismatch');
  });

  it('refuses another secret, a forged or missing signature', () => {
    expect(verify(header(payload, 'whsec_another_secret_000'))).toBe('mismatch');
    expect(verify(`t=${t},v1=${'0'.repeat(64)}`)).toBe('mismatch');
    expect(verify(`t=${t}`)).toBe('malformed');
    expect(verify('garbage')).toBe('malformed');
    expect(verify(`v1=${signStripePayload(secret, payload, t)}`)).toBe('malformed');
  });

  it('refuses a replay older than the tolerance, and one signed for another timestamp', () => {
    expect(verify(header(), payload, t + 301)).toBe('too_old');
    expect(verify(header(), payload, t + 300)).toBe('valid');
    const moved = header().replace(`t=${t}`, `t=${t + 1000}`);
    expect(verify(moved, payload, t + 1000)).toBe('mismatch');
  });

  it('accepts any of several v1 signatures (a secret being rolled)', () => {
    const old = signStripePayload('whsec_old_secret_000000', payload, t);
    expect(verify(`t=${t},v1=${old},v1=${signStripePayload(secret, payload, t)}`)).toBe('valid');
  });
});
