// The person's own routes, an operator's staff and devices, and the platform's operators, against the
// real database: profiles and passwords as sealed events, crypto-shredding on erasure, roles granted
// per operator with their actor, device credentials, and admins named before they sign up.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_OPERATORS, type RequestContext, type Role } from '@parking/contracts';
import { eventStoreMigrations, PostgresEventStore, runMigrations } from '@parking/event-store';
import { createLogger, fixedClock, parseConfig } from '@parking/platform';
import { testDatabase, type TestDatabase } from '@parking/testing';
import { configSchema } from '../config.js';
import { loadDemoData } from '../demo/demo-data.js';
import type { Deps } from '../deps.js';
import { migrations } from '../migrations/index.js';
import { createOperator, setOperatorAdmins, updateOperator } from '../operators/operators.js';
import { isSealed } from '../privacy/personal-data.js';
import { DevInboxSms } from '../sms/sms.port.js';
import { SigningKeys } from '../tokens/signing-keys.js';
import { createDevice, listDevices, revokeDevice, revokedDevices, rotateDeviceSecret } from './devices.js';
import { eraseMe, me, setPassword, updateProfile } from './people.js';
import { deviceToken, login, refresh, requestOtp, verifyOtp } from './sessions.js';
import { listUsers, setRoles } from './staff.js';

const DEMO: string = DEMO_OPERATORS.demo.id;
const FJORD: string = DEMO_OPERATORS.fjord.id;
const anonymous = (operatorId: string): RequestContext => ({
  operatorId,
  caller: { kind: 'anonymous' },
  correlationId: 'test',
  clientAddress: `10.1.0.${Math.floor(Math.random() * 250)}`,
});
const as = (userId: string, roles: Role[], operatorId = DEMO): RequestContext => ({
  operatorId,
  caller: { kind: 'user', userId, roles },
  correlationId: 'test',
});

describe('people, staff, devices and operators', () => {
  let db: TestDatabase;
  let deps: Deps;
  const clock = fixedClock(new Date('2027-02-01T09:00:00Z'));
  let adminId: string;
  let platformId: string;

  beforeAll(async () => {
    db = await testDatabase('identity_people');
    await runMigrations(db.pool, [...eventStoreMigrations, ...migrations]);
    deps = {
      config: parseConfig(configSchema, { DATABASE_URL: db.url, BOOTSTRAP_PLATFORM_PHONES: '+4792000099' }),
      logger: createLogger({ name: 'identity-test', level: 'silent' }),
      pool: db.pool,
      store: new PostgresEventStore(db.pool),
      clock,
      sms: new DevInboxSms(db.pool),
      keys: new SigningKeys(db.pool),
      rpc: null as never,
    };
    await loadDemoData(deps);
    adminId = (await login(deps, { phone: '+4790000001', password: 'demo-password-1' }, anonymous(DEMO))).user
      .id;
    platformId = (await login(deps, { phone: '+4790000009', password: 'demo-password-1' }, anonymous(DEMO)))
      .user.id;
  }, 120_000);
  afterAll(() => db.drop());

  async function signUp(phone: string, operatorId = DEMO) {
    const { challengeId } = await requestOtp(deps, { phone }, anonymous(operatorId));
    const { rows } = await db.pool.query(
      'select text from dev_sms where phone = $1 order by id desc limit 1',
      [phone],
    );
    const code = /(\d{6})/.exec(rows[0].text)![1];
    return verifyOtp(deps, { challengeId, code }, anonymous(operatorId));
  }

  const eventsOf = async (streamId: string) => deps.store.readStream(streamId);

  it('keeps the profile and password as sealed events, and logs in with the password', async () => {
    const session = await signUp('+4792000001');
    expect(session.user.profileComplete).toBe(false);
    const ctx = as(session.user.id, ['customer']);
    const profile = await updateProfile(deps, { name: 'Kari Nordmann', email: 'kari@example.no' }, ctx);
    expect(profile).toMatchObject({ name: 'Kari Nordmann', email: 'kari@example.no', address: null });
    await expect(setPassword(deps, { password: 'too-short' }, ctx)).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await setPassword(deps, { password: 'correct-horse-battery' }, ctx);
    expect((await me(deps, ctx)).hasPassword).toBe(true);
    const again = await login(
      deps,
      { phone: '92000001', password: 'correct-horse-battery' },
      anonymous(DEMO),
    );
    expect(again.user).toMatchObject({ id: session.user.id, profileComplete: true });

    const events = await eventsOf(`user-${session.user.id}`);
    expect(events.map((e) => e.type)).toEqual([
      'UserRegistered',
      'MembershipStarted',
      'ProfileChanged',
      'PasswordSet',
    ]);
    const raw = JSON.stringify(events.map((e) => e.data));
    expect(raw).not.toContain('92000001');
    expect(raw).not.toContain('Kari');
    expect(raw).not.toContain('kari@example.no');
    expect(isSealed((events[2].data as { email: string }).email)).toBe(true);
  });

  it('refuses malformed profiles naming the field, and changes nothing', async () => {
    const session = await signUp('+4792000002');
    const ctx = as(session.user.id, ['customer']);
    const refused = await updateProfile(deps, { name: 'A', email: 'not-an-email' }, ctx).catch((e) => e);
    expect(refused.code).toBe('VALIDATION');
    expect(refused.fields.map((f: { path: string }) => f.path)).toEqual(['email']);
    const overLong = await updateProfile(deps, { name: 'x'.repeat(201), email: 'a@b.no' }, ctx).catch(
      (e) => e,
    );
    expect(overLong.fields.map((f: { path: string }) => f.path)).toEqual(['name']);
    expect((await eventsOf(`user-${session.user.id}`)).map((e) => e.type)).not.toContain('ProfileChanged');
  });

  it('erases a person: the key is destroyed, the events become unreadable, the sessions end', async () => {
    const session = await signUp('+4792000003');
    const ctx = as(session.user.id, ['customer']);
    await updateProfile(deps, { name: 'Ola', email: 'ola@example.no', address: 'Storgata 1' }, ctx);
    await eraseMe(deps, ctx);
    const { rows: keys } = await db.pool.query('select 1 from personal_data_keys where user_id = $1', [
      session.user.id,
    ]);
    expect(keys).toHaveLength(0);
    const { rows } = await db.pool.query('select phone, name, email, address from users where id = $1', [
      session.user.id,
    ]);
    expect(rows[0]).toEqual({ phone: `erased:${session.user.id}`, name: null, email: null, address: null });
    const events = await eventsOf(`user-${session.user.id}`);
    expect(events.at(-1)?.type).toBe('UserErased');
    expect(events.at(-1)?.metadata.actor).toEqual({ kind: 'user', id: session.user.id });
    expect(JSON.stringify(events.map((e) => [e.data, e.metadata]))).not.toContain('Storgata');
    await expect(
      refresh(deps, { refreshToken: session.refreshToken }, anonymous(DEMO)),
    ).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(me(deps, ctx)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    // The phone is free again: signing up makes a new, unrelated person.
    const reborn = await signUp('+4792000003');
    expect(reborn.user.id).not.toBe(session.user.id);
  });

  it('lets an operator grant roles to its own customers, effective at the next token, with the actor', async () => {
    const person = await signUp('+4792000004');
    const admin = as(adminId, ['customer', 'operator']);
    const granted = await setRoles(deps, { userId: person.user.id, roles: ['officer'] }, admin);
    expect(granted.roles).toEqual(['customer', 'officer']);
    expect(person.user.roles).toEqual(['customer']);
    const next = await refresh(deps, { refreshToken: person.refreshToken }, anonymous(DEMO));
    const claims = JSON.parse(Buffer.from(next.accessToken.split('.')[1], 'base64url').toString());
    expect(claims.roles).toEqual(['customer', 'officer']);
    const changed = (await eventsOf(`user-${person.user.id}`)).find((e) => e.type === 'RolesChanged');
    expect(changed?.metadata.actor).toEqual({ kind: 'user', id: adminId });

    const listed = await listUsers(deps, { phone: '+4792000004' }, admin);
    expect(listed.items).toEqual([
      { id: person.user.id, phone: '+4792000004', name: null, roles: ['customer', 'officer'] },
    ]);
  });

  it("keeps another operator's people out of reach, and refuses callers without the role", async () => {
    const fjordOnly = await signUp('+4792000005', FJORD);
    const admin = as(adminId, ['customer', 'operator']);
    await expect(
      setRoles(deps, { userId: fjordOnly.user.id, roles: ['officer'] }, admin),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await listUsers(deps, { phone: '+4792000005' }, admin)).items).toEqual([]);
    const customer = as(fjordOnly.user.id, ['customer'], FJORD);
    await expect(listUsers(deps, {}, customer)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      setRoles(deps, { userId: fjordOnly.user.id, roles: ['platform'] }, admin),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('creates, rotates and revokes device credentials, the secret shown once and stored hashed', async () => {
    const admin = as(adminId, ['customer', 'operator']);
    const device = await createDevice(deps, { name: 'Kamera inngang', zoneIds: ['zone-p1'] }, admin);
    const { rows } = await db.pool.query('select secret_hash from devices where id = $1', [device.id]);
    expect(rows[0].secret_hash).not.toContain(device.clientSecret);
    const token = await deviceToken(
      deps,
      { clientId: device.clientId, clientSecret: device.clientSecret },
      admin,
    );
    const claims = JSON.parse(Buffer.from(token.accessToken.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ kind: 'device', roles: ['device'], zones: ['zone-p1'], op: DEMO });

    const rotated = await rotateDeviceSecret(deps, { deviceId: device.id }, admin);
    await expect(
      deviceToken(deps, { clientId: device.clientId, clientSecret: device.clientSecret }, admin),
    ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await deviceToken(deps, { clientId: device.clientId, clientSecret: rotated.clientSecret }, admin);

    const fjordAdmin = as(adminId, ['customer', 'operator'], FJORD);
    await expect(revokeDevice(deps, { deviceId: device.id }, fjordAdmin)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await revokeDevice(deps, { deviceId: device.id }, admin);
    await expect(
      deviceToken(deps, { clientId: device.clientId, clientSecret: rotated.clientSecret }, admin),
    ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await revokedDevices(deps)).deviceIds).toContain(device.id);
    const listed = (await listDevices(deps, admin)).items.find((d) => d.id === device.id);
    expect(listed).toMatchObject({ revoked: true, name: 'Kamera inngang' });
    expect((await eventsOf(`device-${device.id}`)).map((e) => [e.type, e.metadata.actor])).toEqual([
      ['DeviceRegistered', { kind: 'user', id: adminId }],
      ['DeviceSecretRotated', { kind: 'user', id: adminId }],
      ['DeviceRevoked', { kind: 'user', id: adminId }],
    ]);
  });

  it('lets the platform create operators (409 on a taken slug or host) and name admins before they sign up', async () => {
    const platform = as(platformId, ['customer', 'platform'], '');
    const fields = {
      slug: 'nord',
      name: 'Nord Parkering AS',
      organisationNumber: '777 777 777',
      address: 'Torget 1, 9008 Tromsø',
      hosts: ['Nord.Localhost'],
      smsSender: 'NordPark',
      psp: { provider: 'sandbox', account: 'sandbox-nord' },
      sanction: { amount: { amount: 50000, currency: 'NOK' }, dueDays: 14 },
    };
    const nord = await createOperator(deps, fields, platform);
    expect(nord.hosts).toEqual(['nord.localhost']);
    await expect(createOperator(deps, fields, platform)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      createOperator(deps, { ...fields, slug: 'nord2', hosts: ['demo.localhost'] }, platform),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(createOperator(deps, fields, as(adminId, ['customer', 'operator']))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const renamed = await updateOperator(deps, { id: nord.id, patch: { name: 'Nord P AS' } }, platform);
    expect(renamed).toMatchObject({ slug: 'nord', name: 'Nord P AS' });

    await setOperatorAdmins(deps, { id: nord.id, phones: ['+4792000010'] }, platform);
    const first = await signUp('+4792000010', nord.id);
    expect(first.user.roles.sort()).toEqual(['customer', 'operator']);
    // Replacing the set takes the role away from who is no longer named.
    await setOperatorAdmins(deps, { id: nord.id, phones: [] }, platform);
    const later = await refresh(deps, { refreshToken: first.refreshToken }, anonymous(nord.id));
    const claims = JSON.parse(Buffer.from(later.accessToken.split('.')[1], 'base64url').toString());
    expect(claims.roles).toEqual(['customer']);
  });

  it('grants the platform role from BOOTSTRAP_PLATFORM_PHONES before the first token', async () => {
    const staff = await signUp('+4792000099');
    expect(staff.user.roles).toContain('platform');
  });
});
