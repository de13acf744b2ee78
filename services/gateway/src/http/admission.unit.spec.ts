import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Role } from '@parking/contracts';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  type AccessTokenClaims,
  type Operator,
} from '@parking/contracts/identity';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { AccessTokenVerifier } from '../auth/access-tokens.js';
import type { OperatorSnapshot } from '../operators/operator-resolution.js';
import type { Access } from './access.js';
import { admit, bearerToken, type AdmissionRequest } from './admission.js';

const demo = { id: 'op-demo', slug: 'demo', hosts: ['demo.localhost'] } as unknown as Operator;
const fjord = { id: 'op-fjord', slug: 'fjord', hosts: ['fjord.localhost'] } as unknown as Operator;
const snapshot: OperatorSnapshot = { items: [demo, fjord], defaultOperatorId: demo.id };

const officerOnly: Access = { kind: 'roles', roles: ['officer', 'device'] };
const customerOnly: Access = { kind: 'roles', roles: ['customer'] };
const anyone: Access = { kind: 'anyone' };

let signingKey: CryptoKey;
let otherKey: CryptoKey;
let publicKey: CryptoKey;
let verifier: AccessTokenVerifier;
const KID = 'key-1';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function token(
  claims: Partial<AccessTokenClaims> = {},
  options: { key?: CryptoKey; expiresIn?: string; kid?: string; issuer?: string } = {},
): Promise<string> {
  const { sub = 'user-1', ...rest } = { op: demo.id, kind: 'user', roles: ['customer'], ...claims };
  return new SignJWT(rest)
    .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? KID, typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(options.issuer ?? ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '15m')
    .sign(options.key ?? signingKey);
}

const deps = (operators: OperatorSnapshot | null = snapshot) => ({
  tokens: verifier,
  operators: () => operators,
});

function attempt(
  request: Partial<AdmissionRequest> & { token?: string },
  operators?: OperatorSnapshot | null,
) {
  const { token: t, ...rest } = request;
  return admit(
    { access: anyone, ...rest, authorization: t === undefined ? rest.authorization : `Bearer ${t}` },
    deps(operators === undefined ? snapshot : operators),
  );
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'admitted';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  signingKey = pair.privateKey;
  publicKey = pair.publicKey;
  otherKey = (await generateKeyPair('ES256')).privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'ES256', use: 'sig' };
  verifier = new AccessTokenVerifier({
    fetchKeys: async () => {
      return { keys: [publicJwk] };
    },
    minRefetchMs: 60_000,
  });
});

describe('admission (the route guard)', () => {
  it('admits a customer with a valid token and builds the caller', async () => {
    const admitted = await attempt({ access: customerOnly, token: await token() });
    expect(admitted.operator?.id).toBe(demo.id);
    expect(admitted.caller).toEqual({ kind: 'user', userId: 'user-1', roles: ['customer'] });
  });

  it('admits a zone-limited device with its zones', async () => {
    const t = await token({ sub: 'device-1', kind: 'device', roles: ['device'], zones: ['z1'] });
    const admitted = await attempt({ access: officerOnly, token: t });
    expect(admitted.caller).toEqual({
      kind: 'device',
      deviceId: 'device-1',
      roles: ['device'],
      zoneIds: ['z1'],
    });
  });

  it('refuses a protected route without a token (401)', async () => {
    expect(await codeOf(attempt({ access: customerOnly }))).toBe('UNAUTHENTICATED');
  });

  it('refuses a non-Bearer authorization header (401)', async () => {
    expect(await codeOf(attempt({ access: customerOnly, authorization: 'Basic dXNlcjpwdw==' }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(bearerToken('bearer abc')).toBe('abc');
  });

  it('refuses an expired token (401)', async () => {
    const expired = await token({}, { expiresIn: '-1m' });
    expect(await codeOf(attempt({ access: customerOnly, token: expired }))).toBe('UNAUTHENTICATED');
  });

  it('refuses a token signed by another key (401)', async () => {
    const forged = await token({}, { key: otherKey });
    expect(await codeOf(attempt({ access: customerOnly, token: forged }))).toBe('UNAUTHENTICATED');
  });

  it('refuses an unsigned alg "none" token (401)', async () => {
    const none = `${b64({ alg: 'none', kid: KID })}.${b64({ sub: 'u', op: demo.id, kind: 'user', roles: ['officer'], iss: ACCESS_TOKEN_ISSUER, aud: ACCESS_TOKEN_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600 })}.`;
    expect(await codeOf(attempt({ access: officerOnly, token: none }))).toBe('UNAUTHENTICATED');
  });

  it('refuses a token whose roles were tampered with (401)', async () => {
    const [header, payload, signature] = (await token()).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = `${header}.${b64({ ...claims, roles: ['customer', 'officer'] as Role[] })}.${signature}`;
    expect(await codeOf(attempt({ access: officerOnly, token: tampered }))).toBe('UNAUTHENTICATED');
  });

  it('refuses a token of another issuer (401)', async () => {
    const foreign = await token({}, { issuer: 'someone-else' });
    expect(await codeOf(attempt({ access: customerOnly, token: foreign }))).toBe('UNAUTHENTICATED');
  });

  it("refuses a token issued for another operator than the request's, public reads included (401)", async () => {
    const demoToken = await token();
    expect(await codeOf(attempt({ access: customerOnly, token: demoToken, xOperator: 'fjord' }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(await codeOf(attempt({ access: anyone, token: demoToken, host: 'fjord.localhost' }))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it("serves the token's operator when nothing else names one", async () => {
    const fjordToken = await token({ op: fjord.id });
    const admitted = await attempt({ access: customerOnly, token: fjordToken, host: '127.0.0.1:3000' });
    expect(admitted.operator?.slug).toBe('fjord');
  });

  it('refuses a caller without the route’s role (403)', async () => {
    expect(await codeOf(attempt({ access: officerOnly, token: await token() }))).toBe('FORBIDDEN');
  });

  it('refuses a device on a route for people (403)', async () => {
    const device = await token({ sub: 'device-1', kind: 'device', roles: ['device'] });
    expect(await codeOf(attempt({ access: { kind: 'user' }, token: device }))).toBe('FORBIDDEN');
  });

  it('treats an expired token on a public route as no token', async () => {
    const admitted = await attempt({ access: anyone, token: await token({}, { expiresIn: '-1m' }) });
    expect(admitted.caller).toEqual({ kind: 'anonymous' });
  });

  it('answers 503 while the operator list is not loaded, but 401 first when a token is missing', async () => {
    expect(await codeOf(attempt({ access: anyone }, null))).toBe('UNAVAILABLE');
    expect(await codeOf(attempt({ access: customerOnly }, null))).toBe('UNAUTHENTICATED');
  });

  it('serves a no-operator route without the operator list', async () => {
    const admitted = await attempt({ access: anyone, noOperator: true, xOperator: 'whatever' }, null);
    expect(admitted.operator).toBeNull();
  });

  it('refetches the keys for an unknown key id, at most once per interval', async () => {
    let now = Date.now();
    let fetches = 0;
    const keys = { keys: [{ ...(await exportJWK(publicKey)), kid: KID, alg: 'ES256' }] };
    const clocked = new AccessTokenVerifier({
      fetchKeys: async () => {
        fetches += 1;
        return keys;
      },
      minRefetchMs: 5_000,
      now: () => now,
    });
    await clocked.verify(await token());
    expect(fetches).toBe(1);
    now += 10_000;
    const unknown = await token({}, { kid: 'key-2' });
    expect(await codeOf(clocked.verify(unknown))).toBe('UNAUTHENTICATED');
    expect(await codeOf(clocked.verify(unknown))).toBe('UNAUTHENTICATED');
    expect(fetches).toBe(2);
  });
});

describe('access token verifier', () => {
  it('answers 503 when the keys cannot be fetched', async () => {
    const down = new AccessTokenVerifier({
      fetchKeys: async () => {
        throw new Error('no responders');
      },
    });
    expect(await codeOf(down.verify(await token()))).toBe('UNAVAILABLE');
  });
});
