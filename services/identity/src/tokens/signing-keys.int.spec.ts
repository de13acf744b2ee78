// Key rotation without logging anyone out: a token signed before the rotation still verifies with the
// published keys, new tokens use the new key, and a second replica picks up the new key too.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventStoreMigrations, runMigrations } from '@parking/event-store';
import { testDatabase, type TestDatabase } from '@parking/testing';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { migrations } from '../migrations/index.js';
import { SigningKeys } from './signing-keys.js';

const claims = { sub: 'user-1', op: 'op-1', kind: 'user' as const, roles: ['customer' as const] };

describe('signing keys', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await testDatabase('identity_keys');
    await runMigrations(db.pool, [...eventStoreMigrations, ...migrations]);
  });
  afterAll(() => db.drop());

  const verifyWith = async (keys: SigningKeys, token: string) =>
    jwtVerify(token, createLocalJWKSet((await keys.publicKeys()) as unknown as JSONWebKeySet));

  it('rotates without invalidating the tokens signed before', async () => {
    const replicaA = new SigningKeys(db.pool);
    const replicaB = new SigningKeys(db.pool);
    await replicaA.init();
    await replicaB.init();
    const before = await replicaA.sign(claims, 900);

    expect(await replicaA.rotateIfOlderThan(30 * 86_400_000)).toBe(false);
    expect(await replicaA.rotateIfOlderThan(0)).toBe(true);
    const after = await replicaA.sign(claims, 900);
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);

    await expect(verifyWith(replicaA, before)).resolves.toBeDefined();
    await expect(verifyWith(replicaA, after)).resolves.toBeDefined();
    expect((await replicaA.publicKeys()).keys).toHaveLength(2);
    expect(JSON.stringify(await replicaA.publicKeys())).not.toContain('"d"');

    // The other replica's hourly check finds a fresh key and starts signing with it.
    expect(await replicaB.rotateIfOlderThan(30 * 86_400_000)).toBe(false);
    const fromB = await replicaB.sign(claims, 900);
    expect(decodeProtectedHeader(fromB).kid).toBe(decodeProtectedHeader(after).kid);
  });
});
