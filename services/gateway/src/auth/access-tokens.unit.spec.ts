// The gateway's local token check against the attacks of the issue: `alg: none`, another algorithm, a
// wrong signature, an expired token, a tampered role claim — each refused with 401 — and the cache of
// verified tokens, which must never outlive a token nor accept a changed one.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '@parking/contracts/identity';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { AccessTokenVerifier } from './access-tokens.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const T0 = Date.parse('2027-01-15T09:00:00Z');

describe('access token verification', () => {
  let signingKey: CryptoKey;
  let otherKey: CryptoKey;
  let publicJwk: JWK;
  let clock = T0;
  let fetches = 0;

  const verifier = (cacheSize?: number) =>
    new AccessTokenVerifier({
      fetchKeys: async () => {
        fetches++;
        return { keys: [publicJwk as Record<string, unknown>] };
      },
      now: () => clock,
      cacheSize,
    });

  const sign = (claims: Record<string, unknown>, key = signingKey, kid = 'k1', ttl = 900) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject('user-1')
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt(Math.floor(clock / 1000))
      .setExpirationTime(Math.floor(clock / 1000) + ttl)
      .sign(key);

  const claims = { op: 'op-1', kind: 'user', roles: ['customer'] };

  beforeAll(async () => {
    ({ privateKey: signingKey } = await generateKeyPair('ES256', { extractable: true }));
    const pair = await generateKeyPair('ES256', { extractable: true });
    otherKey = pair.privateKey;
    // The public half of the signing key.
    const jwk = await exportJWK(signingKey);
    delete jwk.d;
    publicJwk = { ...jwk, kid: 'k1', alg: 'ES256' };
  });

  it('accepts a token signed by the active key, with its caller and operator', async () => {
    clock = T0;
    const verified = await verifier().verify(await sign(claims));
    expect(verified).toEqual({
      operatorId: 'op-1',
      caller: { kind: 'user', userId: 'user-1', roles: ['customer'] },
    });
  });

  it('refuses alg none, another algorithm, a wrong signature, an expired token and a tampered role', async () => {
    clock = T0;
    const good = await sign(claims);
    const [header, payload, signature] = good.split('.');
    const attacks = {
      none: `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      hs256: `${b64({ alg: 'HS256', kid: 'k1' })}.${payload}.${signature}`,
      wrongKey: await sign(claims, otherKey),
      tamperedRole: `${header}.${b64({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), roles: ['operator'] })}.${signature}`,
      garbage: 'not.a.token',
      expired: await sign(claims, signingKey, 'k1', -10),
    };
    const v = verifier();
    for (const [name, token] of Object.entries(attacks)) {
      const err = await v.verify(token).then(
        () => null,
        (e) => e,
      );
      expect([name, err?.code]).toEqual([name, 'UNAUTHENTICATED']);
    }
  });

  it('forgets a cached token when it expires', async () => {
    clock = T0;
    const v = verifier();
    const token = await sign(claims, signingKey, 'k1', 60);
    await v.verify(token);
    clock = T0 + 61_000;
    await expect(v.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refetches the keys for an unknown key id at most once per interval', async () => {
    clock = T0;
    const v = verifier();
    await v.verify(await sign(claims));
    const before = fetches;
    clock = T0 + 6_000;
    for (let i = 0; i < 5; i++) await v.verify(await sign(claims, otherKey, `forged-${i}`)).catch(() => {});
    expect(fetches - before).toBe(1);
  });
});
