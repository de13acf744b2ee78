// Enforcement over HTTP, as API.md says: a customer buys the day product and the officer's check says
// the plate may park; a vehicle change shows within a second; the camera checks a batch and downloads
// the whitelist; patrol sightings record both violation kinds (once each); a sanction is issued (a second
// is refused) and cancelled; bad input gets 400/422 naming the field; customers and zone-scoped devices
// are kept out. The plate checks take the lean path (plain Fastify routes, a raw NATS subscription): it
// keeps the request id, problem+json, the token and device checks, and logs no refusal as a check.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { eventually, startJourneyStack, type JourneyStack } from './support/journey.js';

const osloToday = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Oslo' });

describe('enforcement', () => {
  let env: JourneyStack;
  let customer: string;
  let officer: string;
  let operator: string;
  let camera: string;
  let card: string;
  let products: Record<string, any>;
  let zones: Record<string, string>;

  beforeAll(async () => {
    env = await startJourneyStack();
    const { api } = env;
    customer = await api.signInBySms('+4791500001');
    officer = await api.logIn('+4790000002', 'demo-password-1');
    operator = await api.logIn('+4790000001', 'demo-password-1');
    const token = await api.post('/v1/auth/token', {
      clientId: 'demo-camera',
      clientSecret: 'demo-camera-secret',
    });
    camera = token.body.accessToken;
    card = (await api.post('/v1/payment-methods', { token: 'tok_visa' }, customer)).body.id;
    const tonsberg = (await api.get('/v1/cities')).body.items.find((c: any) => c.name === 'Tønsberg');
    const hospital = (await api.get(`/v1/cities/${tonsberg.id}/locations`)).body.items.find(
      (l: any) => l.name === 'Tønsberg Sykehus',
    );
    zones = Object.fromEntries(hospital.zones.map((z: any) => [z.name, z.id]));
    const list = (await api.get(`/v1/locations/${hospital.id}/products`)).body.items;
    products = Object.fromEntries(list.map((p: any) => [p.name, p]));
  }, 180_000);

  afterAll(async () => {
    await env?.stop();
  }, 60_000);

  const check = (plate: string, token: string, zone = zones.P1) =>
    env.api.get(`/v1/enforcement/check?plate=${plate}&zone=${zone}`, token);

  it('answers the officer from the purchase, and follows a vehicle change within a second', async () => {
    const { api } = env;
    const day = products['Døgnparkering'];
    const bought = await api.post(
      '/v1/agreements',
      {
        productId: day.id,
        vehicles: [{ plate: 'en 10-001' }],
        acceptedTermsId: day.termsId,
        paymentMethodId: card,
      },
      customer,
    );
    expect(bought.status).toBe(201);
    const valid = await eventually(
      () => check('EN10001', officer),
      (r) => r.body?.allowed === true,
      3_000,
    );
    expect(valid.body).toMatchObject({
      plate: 'EN10001',
      country: 'NO',
      zone: zones.P1,
      allowed: true,
      reason: 'valid_agreement',
      agreementId: bought.body.id,
      validFrom: bought.body.validFrom,
      validTo: bought.body.validTo,
    });
    expect(JSON.stringify(valid.body)).not.toMatch(/\+47|phone|name/);
    // The same plate of another country is another vehicle.
    expect(
      (await api.get(`/v1/enforcement/check?plate=EN10001&zone=${zones.P1}&country=S`, officer)).body.reason,
    ).toBe('no_agreement');

    const changed = await api.call('PUT', `/v1/agreements/${bought.body.id}/vehicles`, {
      token: customer,
      body: { vehicles: [{ plate: 'EN10002' }] },
    });
    expect(changed.status).toBe(200);
    const started = Date.now();
    const after = await eventually(
      () => check('EN10002', officer),
      (r) => r.body?.allowed === true,
      1_000,
    );
    expect(after.body.reason).toBe('valid_agreement');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await check('EN10001', officer)).body).toMatchObject({ allowed: false, reason: 'no_agreement' });

    // Asked about a time before the agreement began: not started.
    const before = new Date(Date.parse(bought.body.validFrom) - 3_600_000).toISOString();
    const early = await api.get(
      `/v1/enforcement/check?plate=EN10002&zone=${zones.P1}&at=${encodeURIComponent(before)}`,
      officer,
    );
    expect(early.body).toMatchObject({ allowed: false, reason: 'not_started' });
    const later = new Date(Date.parse(bought.body.validTo) + 3_600_000).toISOString();
    const ended = await api.get(
      `/v1/enforcement/check?plate=EN10002&zone=${zones.P1}&at=${encodeURIComponent(later)}`,
      officer,
    );
    expect(ended.body).toMatchObject({ allowed: false, reason: 'ended', validTo: bought.body.validTo });
  }, 60_000);

  it('lets the camera check a batch in order and download the whitelist', async () => {
    const { api } = env;
    const batch = await api.post(
      '/v1/enforcement/checks',
      { zone: zones.P1, plates: ['EN10002', 'ZZ00000', { plate: 'EN10002', country: 'S' }] },
      camera,
    );
    expect(batch.status).toBe(200);
    expect(batch.body.items.map((c: any) => [c.plate, c.country, c.reason])).toEqual([
      ['EN10002', 'NO', 'valid_agreement'],
      ['ZZ00000', 'NO', 'no_agreement'],
      ['EN10002', 'S', 'no_agreement'],
    ]);
    const whitelist = await api.get(`/v1/enforcement/whitelist?zone=${zones.P2}`, camera);
    expect(whitelist.status).toBe(200);
    expect(whitelist.body.zone).toBe(zones.P2);
    expect(whitelist.body.items).toContainEqual(expect.objectContaining({ plate: 'EN10002', country: 'NO' }));
    expect(whitelist.body.items.map((i: any) => i.plate)).not.toContain('EN10001');
  });

  it('records both violation kinds once, and an officer issues and cancels a sanction', async () => {
    const { api } = env;
    const monthly = products['Ansatt måned'];
    const shared = await api.post(
      '/v1/agreements',
      {
        productId: monthly.id,
        vehicles: [{ plate: 'MV10001' }, { plate: 'MV10002' }],
        startDate: osloToday(),
        employeeNumber: '10555',
        acceptedTermsId: monthly.termsId,
        paymentMethodId: card,
      },
      customer,
    );
    expect(shared.status).toBe(201);
    await eventually(
      () => check('MV10002', officer),
      (r) => r.body?.allowed === true,
      3_000,
    );

    const seen = (plate: string, token = officer) =>
      api.post('/v1/enforcement/observations', { plate, zone: zones.P1 }, token);
    const first = await seen('MV10001');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ check: { reason: 'valid_agreement' }, violation: null });
    const second = await seen('MV10002', camera);
    expect(second.body.check.reason).toBe('another_vehicle_parked');
    expect(second.body.violation).toMatchObject({
      type: 'multiple_vehicles_parked',
      plate: 'MV10002',
      zone: zones.P1,
      agreementId: shared.body.id,
      otherPlates: ['MV10001'],
      status: 'open',
    });
    expect((await seen('MV10001')).body.violation.id).toBe(second.body.violation.id);

    const stranger = await seen('UN10001');
    expect(stranger.body.violation).toMatchObject({
      type: 'no_valid_agreement',
      plate: 'UN10001',
      agreementId: null,
    });
    expect((await seen('UN10001')).body.violation.id).toBe(stranger.body.violation.id);

    const violations = await api.get(`/v1/enforcement/violations?zone=${zones.P1}`, operator);
    expect(violations.status).toBe(200);
    expect(violations.body.items.map((v: any) => v.type).sort()).toEqual([
      'multiple_vehicles_parked',
      'no_valid_agreement',
    ]);

    const id = stranger.body.violation.id;
    const sanction = await api.post(
      `/v1/enforcement/violations/${id}/sanction`,
      { note: 'no permit' },
      officer,
    );
    expect(sanction.status).toBe(201);
    expect(sanction.body).toMatchObject({
      violationId: id,
      plate: 'UN10001',
      amount: { amount: 60000, currency: 'NOK' },
      status: 'issued',
      note: 'no permit',
    });
    expect(sanction.body.number).toBeGreaterThanOrEqual(1);
    expect(sanction.body.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await api.post(`/v1/enforcement/violations/${id}/sanction`, {}, officer)).status).toBe(409);
    expect((await api.post(`/v1/enforcement/violations/${id}/sanction`, {}, operator)).status).toBe(403);

    const cancelled = await api.post(
      `/v1/enforcement/sanctions/${sanction.body.id}/cancel`,
      { reason: 'permit on the dashboard' },
      operator,
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'permit on the dashboard' });
    const sanctions = await api.get('/v1/enforcement/sanctions', officer);
    expect(sanctions.body.items).toContainEqual(
      expect.objectContaining({ id: sanction.body.id, status: 'cancelled' }),
    );
  }, 60_000);

  it('names the bad field: 400 for malformed input, 422 for a zone this operator does not have', async () => {
    const { api } = env;
    const paths = async (path: string, want: number) => {
      const r = await api.get(path, officer);
      expect(r.status).toBe(want);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      return r.body.errors.map((e: any) => e.path);
    };
    expect(await paths('/v1/enforcement/check?plate=EN10002', 400)).toContain('zone');
    expect(await paths(`/v1/enforcement/check?plate=%23&zone=${zones.P1}`, 400)).toContain('plate');
    expect(
      await paths(`/v1/enforcement/check?plate=EN10002&zone=${zones.P1}&at=2027-01-01T10:00:00`, 400),
    ).toContain('at');
    expect(
      await paths('/v1/enforcement/check?plate=EN10002&zone=00000000-0000-4000-8000-00000000dead', 422),
    ).toContain('zone');
    const tooMany = await api.post(
      '/v1/enforcement/checks',
      { zone: zones.P1, plates: Array.from({ length: 1001 }, (_, i) => `AB${10000 + i}`) },
      camera,
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors.map((e: any) => e.path)).toContain('plates');
    const badKind = await api.post(
      '/v1/enforcement/observations',
      { plate: 'AB12345', zone: zones.P1, kind: 'parked' },
      officer,
    );
    expect(badKind.status).toBe(400);
  });

  it('serves the lean check routes with everything the contract needs, logging refusals as no check', async () => {
    const { api } = env;
    const db = new pg.Pool({ connectionString: env.stack.service('enforcement').databaseUrl!, max: 1 });
    try {
      const logged = async () =>
        (await db.query(`select count(*)::int as n from check_log`)).rows[0].n as number;
      // The check log is written every half second: wait until it is still.
      const settled = async () => {
        let n = await logged();
        for (;;) {
          await new Promise((r) => setTimeout(r, 1_200));
          const m = await logged();
          if (m === n) return m;
          n = m;
        }
      };

      const ok = await api.get(`/v1/enforcement/check?plate=EN10002&zone=${zones.P1}`, officer, {
        'x-request-id': 'lean-check-1',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-request-id')).toBe('lean-check-1');
      expect(ok.headers.get('content-type')).toContain('application/json');
      expect(ok.body).toMatchObject({ plate: 'EN10002', allowed: true, reason: 'valid_agreement' });
      const before = await settled();

      const fjord = await api.logIn('+4790000003', 'demo-password-1', { 'x-operator': 'fjord' });
      const bergen = (await api.get('/v1/cities', undefined, { 'x-operator': 'fjord' })).body.items[0];
      const fjordZone = (
        await api.get(`/v1/cities/${bergen.id}/locations`, undefined, { 'x-operator': 'fjord' })
      ).body.items[0].zones[0].id;
      const refusals: [Promise<any>, number, string | null][] = [
        [
          api.get(`/v1/enforcement/check?plate=EN10002&zone=00000000-0000-4000-8000-00000000dead`, officer),
          422,
          'zone',
        ],
        [api.get(`/v1/enforcement/check?plate=EN10002&zone=${fjordZone}`, officer), 422, 'zone'],
        [api.get(`/v1/enforcement/check?plate=%E2%82%AC%E2%82%AC&zone=${zones.P1}`, officer), 400, 'plate'],
        [api.get(`/v1/enforcement/check?plate=EN10002&zone=${zones.P1}&at=tomorrow`, officer), 400, 'at'],
        [api.post('/v1/enforcement/checks', { zone: zones.P1, plates: [] }, camera), 400, 'plates'],
        [
          api.post('/v1/enforcement/checks', { zone: zones.P1, plates: Array(1001).fill('EN10002') }, camera),
          400,
          'plates',
        ],
        [
          api.post('/v1/enforcement/checks', { zone: zones.P1, plates: ['EN10002', '!'] }, camera),
          400,
          'plates.1',
        ],
        [api.post('/v1/enforcement/checks', { zone: fjordZone, plates: ['EN10002'] }, camera), 422, 'zone'],
        [api.get(`/v1/enforcement/check?plate=EN10002&zone=${zones.P1}`, customer), 403, null],
        [api.get(`/v1/enforcement/check?plate=EN10002&zone=${zones.P1}`), 401, null],
        [api.get(`/v1/enforcement/check?plate=EN10002&zone=${zones.P1}`, 'not-a-token'), 401, null],
        // Another operator's token at this operator: 401.
        [
          api.get(`/v1/enforcement/check?plate=EN10002&zone=${zones.P1}`, fjord, { 'x-operator': 'demo' }),
          401,
          null,
        ],
        [
          api.call('POST', '/v1/enforcement/checks', {
            token: camera,
            headers: { 'content-type': 'application/json' },
          }),
          400,
          null,
        ],
      ];
      for (const [reply, status, field] of refusals) {
        const r = await reply;
        expect([r.status, field]).toEqual([status, field]);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
        expect(r.headers.get('x-request-id')).toBeTruthy();
        if (field) expect(r.body.errors.map((e: any) => e.path)).toContain(field);
      }
      const raw = await fetch(`${api.baseUrl}/v1/enforcement/checks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${camera}`, 'content-type': 'application/json' },
        body: '{"zone":',
      });
      expect(raw.status).toBe(400);
      expect(raw.headers.get('content-type')).toContain('application/problem+json');
      expect(await settled()).toBe(before);

      // A revoked device is refused at once.
      const device = await api.post('/v1/admin/devices', { name: 'Kamera øst' }, operator);
      const token = (
        await api.post('/v1/auth/token', {
          clientId: device.body.clientId,
          clientSecret: device.body.clientSecret,
        })
      ).body.accessToken;
      const asDevice = () =>
        api.post('/v1/enforcement/checks', { zone: zones.P1, plates: ['EN10002'] }, token);
      expect((await asDevice()).status).toBe(200);
      expect(
        (await api.call('DELETE', `/v1/admin/devices/${device.body.id}`, { token: operator })).status,
      ).toBe(204);
      expect((await asDevice()).status).toBe(401);
      expect((await api.get(`/v1/enforcement/check?plate=EN10002&zone=${zones.P1}`, token)).status).toBe(401);

      // Of all that, only the device's check before its revocation is logged.
      await eventually(logged, (n) => n === before + 1, 3_000);
      expect(await settled()).toBe(before + 1);
    } finally {
      await db.end();
    }
  }, 60_000);

  it('refuses an observation more than 5 minutes ahead or more than 24 hours old with 422', async () => {
    const { api } = env;
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const ahead = await api.post(
      '/v1/enforcement/observations',
      { plate: 'OB10001', zone: zones.P1, observedAt: at(10 * 60_000) },
      officer,
    );
    expect(ahead.status).toBe(422);
    expect(ahead.body.errors.map((e: any) => e.path)).toEqual(['observedAt']);
    const old = await api.post(
      '/v1/enforcement/observations',
      { plate: 'OB10001', zone: zones.P1, observedAt: at(-25 * 3_600_000) },
      officer,
    );
    expect(old.status).toBe(422);
    expect(old.body.errors.map((e: any) => e.path)).toEqual(['observedAt']);
    const fine = await api.post(
      '/v1/enforcement/observations',
      { plate: 'OB10001', zone: zones.P1, observedAt: at(-3_600_000) },
      officer,
    );
    expect(fine.status).toBe(201);
  });

  it('keeps customers out, devices to checks, and a zone-scoped device to its zones', async () => {
    const { api } = env;
    expect((await check('EN10002', customer)).status).toBe(403);
    expect((await api.get('/v1/enforcement/violations', customer)).status).toBe(403);
    expect((await api.get('/v1/enforcement/violations', camera)).status).toBe(403);
    expect((await api.get('/v1/enforcement/sanctions', camera)).status).toBe(403);

    const device = await api.post('/v1/admin/devices', { name: 'Bom P2', zoneIds: [zones.P2] }, operator);
    expect(device.status).toBe(201);
    const scoped = (
      await api.post('/v1/auth/token', {
        clientId: device.body.clientId,
        clientSecret: device.body.clientSecret,
      })
    ).body.accessToken;
    expect((await check('EN10002', scoped, zones.P2)).status).toBe(200);
    expect((await check('EN10002', scoped, zones.P1)).status).toBe(403);
    expect((await api.get(`/v1/enforcement/whitelist?zone=${zones.P1}`, scoped)).status).toBe(403);
    expect(
      (await api.post('/v1/enforcement/observations', { plate: 'EN10002', zone: zones.P1 }, scoped)).status,
    ).toBe(403);
  });
});
