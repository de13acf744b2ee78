// The ES256 keys that sign access tokens: kept in the identity database so a restart logs no one out;
// the public halves are published (identity.keys) for the gateway to verify tokens locally.
import { randomUUID } from 'node:crypto';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  type AccessTokenClaims,
} from '@parking/contracts/identity';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type pg from 'pg';

type SigningKey = Awaited<ReturnType<typeof importJWK>>;

export class SigningKeys {
  private active: { kid: string; key: SigningKey } | null = null;

  constructor(private readonly pool: pg.Pool) {}

  /** Loads the active key, creating the first one (serialised across replicas). */
  async init(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock(7317002)');
      let { rows } = await client.query(
        'select kid, private_jwk from signing_keys where retired_at is null order by created_at desc limit 1',
      );
      if (!rows[0]) {
        const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
        const kid = randomUUID();
        const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256' };
        const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
        await client.query('insert into signing_keys (kid, private_jwk, public_jwk) values ($1, $2, $3)', [
          kid,
          privateJwk,
          publicJwk,
        ]);
        rows = [{ kid, private_jwk: privateJwk }];
      }
      await client.query('commit');
      this.active = { kid: rows[0].kid, key: await importJWK(rows[0].private_jwk as JWK, 'ES256') };
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * Starts using a new key when the active one is older than `maxAgeMs` (serialised across replicas).
   * The old key is retired, not deleted: its public half stays published for a day, so every token it
   * signed keeps working until it expires and no one is logged out.
   */
  async rotateIfOlderThan(maxAgeMs: number): Promise<boolean> {
    const client = await this.pool.connect();
    let rotated = false;
    try {
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock(7317002)');
      const { rows } = await client.query(
        `select kid from signing_keys where retired_at is null
           and created_at > now() - make_interval(secs => $1) limit 1`,
        [maxAgeMs / 1000],
      );
      if (!rows[0]) {
        await client.query('update signing_keys set retired_at = now() where retired_at is null');
        const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
        const kid = randomUUID();
        await client.query('insert into signing_keys (kid, private_jwk, public_jwk) values ($1, $2, $3)', [
          kid,
          { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
          { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
        ]);
        rotated = true;
      }
      await client.query('commit');
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
    // Every replica picks up the newest key (init reads it), whichever replica rotated.
    await this.init();
    return rotated;
  }

  /** Public keys of the active key and of keys retired in the last day (tokens signed by them live on). */
  async publicKeys(): Promise<{ keys: Record<string, unknown>[] }> {
    const { rows } = await this.pool.query(
      `select public_jwk from signing_keys where retired_at is null or retired_at > now() - interval '1 day'`,
    );
    return { keys: rows.map((r) => r.public_jwk) };
  }

  async sign(claims: AccessTokenClaims, ttlSeconds: number): Promise<string> {
    if (!this.active) await this.init();
    const { sub, ...rest } = claims;
    return new SignJWT({ ...rest })
      .setProtectedHeader({ alg: 'ES256', kid: this.active!.kid, typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.active!.key);
  }
}
