// Stripe's webhook signatures, verified over the raw request body: the `Stripe-Signature` header is
// `t=<unix seconds>,v1=<hex>[,v1=<hex>…]` where each v1 is HMAC-SHA256 of `<t>.<body bytes>` under the
// endpoint's signing secret (several while a secret is rolled). A body re-serialised from parsed JSON
// would not match: the bytes as received are what is signed. An old timestamp is a replay.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureVerdict = 'valid' | 'malformed' | 'mismatch' | 'too_old';

export function signStripePayload(secret: string, payload: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
}

export function verifyStripeSignature(input: {
  payload: string;
  header: string;
  secret: string;
  nowS: number;
  toleranceS: number;
}): SignatureVerdict {
  let timestamp: number | null = null;
  const v1: string[] = [];
  for (const part of input.header.split(',')) {
    const at = part.indexOf('=');
    if (at < 1) continue;
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) v1.push(value.toLowerCase());
  }
  if (timestamp === null || !v1.length) return 'malformed';
  const expected = Buffer.from(signStripePayload(input.secret, input.payload, timestamp), 'hex');
  const matches = v1.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  if (!matches) return 'mismatch';
  if (Math.abs(input.nowS - timestamp) > input.toleranceS) return 'too_old';
  return 'valid';
}
