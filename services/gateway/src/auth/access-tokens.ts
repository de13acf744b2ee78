// Verifies access tokens locally with identity's public keys (ES256 only), refetching the keys when a
// token names an unknown key id — at most once per few seconds, so bad tokens cannot flood identity.
import { AppError, ROLES, type Caller } from '@parking/contracts';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, type PublicKeySet } from '@parking/contracts/identity';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { z } from 'zod';

export interface VerifiedToken {
  /** The operator the token was issued for. */
  operatorId: string;
  caller: Extract<Caller, { kind: 'user' } | { kind: 'device' }>;
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  op: z.string().min(1),
  kind: z.enum(['user', 'device']),
  roles: z.array(z.enum(ROLES)),
  zones: z.array(z.string()).optional(),
  exp: z.number(),
});

const unauthenticated = (message: string) => new AppError('UNAUTHENTICATED', message);

export interface AccessTokenVerifierOptions {
  fetchKeys: () => Promise<PublicKeySet>;
  /** The least time between two key fetches caused by unknown key ids. */
  minRefetchMs?: number;
  /** How many verified tokens to remember until they expire (0: verify every time). */
  cacheSize?: number;
  now?: () => number;
}

export class AccessTokenVerifier {
  private keySet: ReturnType<typeof createLocalJWKSet> | null = null;
  private kids = new Set<string>();
  private lastFetchAt = -Infinity;
  private fetching: Promise<void> | null = null;
  private lastFetchFailed = false;
  // Verified tokens until their expiry: a signature check costs more than most routes' own work. The key
  // is the whole token, so any change to it (a tampered claim) misses the cache and is verified.
  private readonly verified = new Map<string, { result: VerifiedToken; expiresAtMs: number }>();

  constructor(private readonly options: AccessTokenVerifierOptions) {}

  /** Loads the keys ahead of the first token (failures are retried on demand). */
  async preload(): Promise<void> {
    await this.fetchKeys().catch(() => undefined);
  }

  async verify(token: string): Promise<VerifiedToken> {
    const now = this.options.now?.() ?? Date.now();
    const cached = this.verified.get(token);
    if (cached) {
      if (cached.expiresAtMs > now) return cached.result;
      this.verified.delete(token);
    }
    const { result, expiresAtMs } = await this.verifySignature(token);
    const size = this.options.cacheSize ?? 10_000;
    if (size > 0) {
      if (this.verified.size >= size) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { result, expiresAtMs });
    }
    return result;
  }

  private async verifySignature(token: string): Promise<{ result: VerifiedToken; expiresAtMs: number }> {
    let kid: string | undefined;
    try {
      const header = decodeProtectedHeader(token);
      if (header.alg !== 'ES256') throw unauthenticated('The token is not signed with ES256');
      kid = header.kid;
    } catch (err) {
      if ((err as AppError).code === 'UNAUTHENTICATED') throw err;
      throw unauthenticated('The token is malformed');
    }
    if (!kid) throw unauthenticated('The token names no key');
    await this.ensureKey(kid);
    if (!this.keySet || !this.kids.has(kid)) throw unauthenticated('The token is signed by an unknown key');
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.keySet, {
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        algorithms: ['ES256'],
        currentDate: this.options.now ? new Date(this.options.now()) : undefined,
      }));
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw unauthenticated(code === 'ERR_JWT_EXPIRED' ? 'The token has expired' : 'The token is not valid');
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw unauthenticated('The token is not valid');
    const { sub, op, kind, roles, zones, exp } = claims.data;
    const result: VerifiedToken =
      kind === 'user'
        ? { operatorId: op, caller: { kind: 'user', userId: sub, roles } }
        : {
            operatorId: op,
            caller: zones
              ? { kind: 'device', deviceId: sub, roles, zoneIds: zones }
              : { kind: 'device', deviceId: sub, roles },
          };
    return { result, expiresAtMs: exp * 1000 };
  }

  private async ensureKey(kid: string): Promise<void> {
    if (this.kids.has(kid)) return;
    const now = this.options.now?.() ?? Date.now();
    // Unknown kids are refetched at most every few seconds (a flood of forged kids must not reach
    // identity), but a failed fetch is retried at once: identity may just have come up.
    if (this.fetching) await this.fetching.catch(() => undefined);
    else if (this.lastFetchFailed || now - this.lastFetchAt >= (this.options.minRefetchMs ?? 5_000))
      await this.fetchKeys().catch(() => undefined);
    // Identity does not answer: we cannot tell a good token from a bad one.
    if (this.lastFetchFailed && !this.kids.has(kid))
      throw new AppError('UNAVAILABLE', 'Tokens cannot be verified right now');
  }

  private fetchKeys(): Promise<void> {
    this.fetching ??= (async () => {
      this.lastFetchAt = this.options.now?.() ?? Date.now();
      let set: PublicKeySet;
      try {
        set = await this.options.fetchKeys();
      } catch (err) {
        this.lastFetchFailed = true;
        throw err;
      }
      this.lastFetchFailed = false;
      const jwks = { keys: set.keys } as unknown as JSONWebKeySet;
      this.keySet = createLocalJWKSet(jwks);
      this.kids = new Set(set.keys.map((k) => String(k.kid)));
    })().finally(() => {
      this.fetching = null;
    });
    return this.fetching;
  }
}
