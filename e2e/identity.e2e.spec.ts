// Identity over HTTP, as the "done when" says: a person signs up with the code from the dev
// inbox, sets a profile and a password, logs in with it, refreshes, logs out, exports and deletes their
// data; an operator grants a role and creates a device that gets a token, which stops working the moment
// the device is revoked; and the attacks on tokens are refused.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, startJourneyStack, type JourneyStack } from './support/journey.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

describe('identity journeys', () => {
  let env: JourneyStack;

  beforeAll(async () => {
    env = await startJourneyStack();
  }, 120_000);
  afterAll(async () => {
    await env?.stop();
  }, 60_000);

  it('signs up by SMS code, keeps a profile and password, refreshes, logs out, exports and erases', async () => {
    const { api } = env;
    const phone = '+4794000001';
    const otp = await api.post('/v1/auth/otp', { phone: '940 00 001' });
    expect(otp.status).toBe(202);
    const inbox = await api.get(`/v1/dev/sms?phone=${encodeURIComponent(phone)}`);
    const code = /(\d{6})/.exec(inbox.body.items[0].text)![1];
    const wrong = await api.post('/v1/auth/otp/verify', {
      challengeId: otp.body.challengeId,
      code: code === '000000' ? '000001' : '000000',
    });
    expect(wrong.status).toBe(401);
    const session = await api.post('/v1/auth/otp/verify', { challengeId: otp.body.challengeId, code });
    expect(session.status).toBe(200);
    expect(session.body.user).toMatchObject({ phone, roles: ['customer'], profileComplete: false });
    const token = session.body.accessToken;

    const profile = await api.call('PUT', '/v1/me', {
      token,
      body: { name: 'Kari Nordmann', email: 'kari@example.no', address: 'Storgata 1, 3110 Tønsberg' },
    });
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ name: 'Kari Nordmann', operator: 'demo', hasPassword: false });
    const badProfile = await api.call('PUT', '/v1/me', { token, body: { name: 7, email: 'x' } });
    expect(badProfile.status).toBe(400);
    expect(badProfile.headers.get('content-type')).toContain('application/problem+json');
    expect(badProfile.body.errors.map((e: any) => e.path).sort()).toEqual(['email', 'name']);

    expect((await api.call('PUT', '/v1/me/password', { token, body: { password: 'short' } })).status).toBe(
      400,
    );
    expect(
      (await api.call('PUT', '/v1/me/password', { token, body: { password: 'correct-horse-battery' } }))
        .status,
    ).toBe(204);
    const login = await api.post('/v1/auth/login', { phone, password: 'correct-horse-battery' });
    expect(login.status).toBe(200);
    expect(login.body.user.profileComplete).toBe(true);

    const refreshed = await api.post('/v1/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(200);
    // The spent refresh token used again: 401, and the whole family is revoked.
    expect((await api.post('/v1/auth/refresh', { refreshToken: login.body.refreshToken })).status).toBe(401);
    expect((await api.post('/v1/auth/refresh', { refreshToken: refreshed.body.refreshToken })).status).toBe(
      401,
    );

    const logoutOf = await api.post('/v1/auth/login', { phone, password: 'correct-horse-battery' });
    expect(
      (
        await api.post(
          '/v1/auth/logout',
          { refreshToken: logoutOf.body.refreshToken },
          logoutOf.body.accessToken,
        )
      ).status,
    ).toBe(204);
    expect((await api.post('/v1/auth/refresh', { refreshToken: logoutOf.body.refreshToken })).status).toBe(
      401,
    );

    const exported = await api.get('/v1/me/export', token);
    expect(exported.status).toBe(200);
    expect(exported.body.user).toMatchObject({ phone, name: 'Kari Nordmann', email: 'kari@example.no' });
    expect(exported.body.operators).toEqual([
      expect.objectContaining({ operator: 'demo', roles: ['customer'], agreements: [], paymentMethods: [] }),
    ]);
    expect(JSON.stringify(exported.body)).not.toMatch(/psp|token/i);

    expect((await api.call('DELETE', '/v1/me', { token })).status).toBe(202);
    expect((await api.get('/v1/me', token)).status).toBe(401);
    expect((await api.post('/v1/auth/login', { phone, password: 'correct-horse-battery' })).status).toBe(401);
  });

  it('lets an operator grant a role (effective at the next token) and manage a device', async () => {
    const { api } = env;
    const admin = await api.logIn('+4790000001', 'demo-password-1');
    const person = await api.post('/v1/auth/otp', { phone: '+4794000002' });
    const code = /(\d{6})/.exec((await api.get('/v1/dev/sms?phone=%2B4794000002')).body.items[0].text)![1];
    const session = (await api.post('/v1/auth/otp/verify', { challengeId: person.body.challengeId, code }))
      .body;

    const found = await api.get('/v1/admin/users?phone=%2B4794000002', admin);
    expect(found.body.items).toHaveLength(1);
    const granted = await api.call('PUT', `/v1/admin/users/${found.body.items[0].id}/roles`, {
      token: admin,
      body: { roles: ['officer'] },
    });
    expect(granted.status).toBe(200);
    expect(granted.body.roles).toEqual(['customer', 'officer']);
    expect(
      (
        await api.get(
          '/v1/enforcement/check?plate=AB12345&zone=x&at=2027-01-01T00:00:00Z',
          session.accessToken,
        )
      ).status,
    ).toBe(403);
    const next = (await api.post('/v1/auth/refresh', { refreshToken: session.refreshToken })).body;
    expect(claimsOf(next.accessToken).roles).toEqual(['customer', 'officer']);
    const platformGrant = await api.call('PUT', `/v1/admin/users/${found.body.items[0].id}/roles`, {
      token: admin,
      body: { roles: ['platform'] },
    });
    expect(platformGrant.status).toBe(400);

    const device = await api.post('/v1/admin/devices', { name: 'Kamera nord' }, admin);
    expect(device.status).toBe(201);
    const listed = await api.get('/v1/admin/devices', admin);
    expect(JSON.stringify(listed.body)).not.toContain(device.body.clientSecret);
    const deviceToken = await api.post('/v1/auth/token', {
      clientId: device.body.clientId,
      clientSecret: device.body.clientSecret,
    });
    expect(deviceToken.status).toBe(200);
    const whitelist = `/v1/enforcement/whitelist?zone=00000000-0000-4000-8000-000000000000`;
    const before = await api.get(whitelist, deviceToken.body.accessToken);
    expect([401, 403]).not.toContain(before.status);

    expect((await api.call('DELETE', `/v1/admin/devices/${device.body.id}`, { token: admin })).status).toBe(
      204,
    );
    expect((await api.get(whitelist, deviceToken.body.accessToken)).status).toBe(401);
    expect(
      (
        await api.post('/v1/auth/token', {
          clientId: device.body.clientId,
          clientSecret: device.body.clientSecret,
        })
      ).status,
    ).toBe(401);
    // The fjord operator's admins do not see demo's devices.
    const fjordAdmin = await api.logIn('+4790000004', 'demo-password-1', { 'x-operator': 'fjord' });
    const fjordDevices = await api.get('/v1/admin/devices', fjordAdmin, { 'x-operator': 'fjord' });
    expect(fjordDevices.body.items.map((d: any) => d.clientId)).toEqual(['fjord-camera']);
  });

  it('lets the platform create an operator whose named admin is an operator from the first token', async () => {
    const { api } = env;
    const platform = await api.logIn('+4790000009', 'demo-password-1');
    const created = await api.post(
      '/v1/platform/operators',
      {
        slug: 'nord',
        name: 'Nord Parkering AS',
        organisationNumber: '777 777 777',
        address: 'Torget 1, 9008 Tromsø',
        hosts: ['nord.localhost'],
        smsSender: 'NordPark',
        psp: { provider: 'sandbox', account: 'sandbox-nord' },
        sanction: { amount: { amount: 50000, currency: 'NOK' }, dueDays: 14 },
      },
      platform,
    );
    expect(created.status).toBe(201);
    const taken = await api.post('/v1/platform/operators', { ...created.body, id: undefined }, platform);
    expect(taken.status).toBe(409);
    const admins = await api.call('PUT', `/v1/platform/operators/${created.body.id}/admins`, {
      token: platform,
      body: { phones: ['+4794000010'] },
    });
    expect(admins.body).toEqual({ phones: ['+4794000010'] });
    const seen = await eventually(
      () => api.get('/v1/operator', undefined, { 'x-operator': 'nord' }),
      (r) => r.status === 200,
    );
    expect(seen.body.name).toBe('Nord Parkering AS');
    const token = await api.signInBySms('+4794000010', { 'x-operator': 'nord' });
    expect(claimsOf(token).roles.sort()).toEqual(['customer', 'operator']);
  });

  it('refuses forged, tampered and expired tokens with 401', async () => {
    const { api } = env;
    const token = await api.signInBySms('+4794000003');
    const [header, payload, signature] = token.split('.');
    const claims = claimsOf(token);
    const forged = {
      none: `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      tamperedRole: `${header}.${b64({ ...claims, roles: ['customer', 'operator'] })}.${signature}`,
      expired: `${header}.${b64({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 })}.${signature}`,
      wrongSignature: `${header}.${payload}.${signature.slice(0, -4)}AAAA`,
      hs256: `${b64({ alg: 'HS256', typ: 'JWT', kid: JSON.parse(Buffer.from(header, 'base64url').toString()).kid })}.${payload}.${signature}`,
    };
    for (const [name, bad] of Object.entries(forged)) {
      const reply = await api.get('/v1/me', bad);
      expect([name, reply.status]).toEqual([name, 401]);
    }
    expect((await api.get('/v1/admin/users', forged.tamperedRole)).status).toBe(401);
    expect((await api.get('/v1/me', token)).status).toBe(200);
  });

  it('limits code sends per number (429 with Retry-After) and refuses malformed input naming the field', async () => {
    const { api } = env;
    for (let i = 0; i < 3; i++)
      expect((await api.post('/v1/auth/otp', { phone: '+4794000004' })).status).toBe(202);
    const limited = await api.post('/v1/auth/otp', { phone: '+4794000004' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    const bad = await api.post('/v1/auth/otp', { phone: 'not a phone' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('phone');
    const wrongType = await api.post('/v1/auth/otp', { phone: 4791234567 });
    expect(wrongType.status).toBe(400);
    const overLong = await api.post('/v1/auth/otp', { phone: '+47'.padEnd(40, '1') });
    expect(overLong.status).toBe(400);
    const inbox = await api.get('/v1/dev/sms?phone=not%20a%20phone');
    expect(inbox.body.items).toEqual([]);
  });
});
