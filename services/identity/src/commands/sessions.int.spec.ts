// Sign-in rules against the real database: codes stored only as keyed hashes, expiry, the fifth wrong
// try killing a code, challenges bound to their operator, send limits, one user per phone, and password
// logins that say the same for an unknown phone and a wrong password.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_OPERATORS, type RequestContext } from '@parking/contracts';
import { eventStoreMigrations, PostgresEventStore, runMigrations } from '@parking/event-store';
import { createLogger, fixedClock, parseConfig } from '@parking/platform';
import { testDatabase, type TestDatabase } from '@parking/testing';
import { configSchema } from '../config.js';
import { loadDemoData } from '../demo/demo-data.js';
import type { Deps } from '../deps.js';
import { migrations } from '../migrations/index.js';
import { DevInboxSms } from '../sms/sms.port.js';
import { SigningKeys } from '../tokens/signing-keys.js';
import { login, requestOtp, verifyOtp } from './sessions.js';

const demo: RequestContext = {
  operatorId: DEMO_OPERATORS.demo.id,
  caller: { kind: 'anonymous' },
  correlationId: 'test',
  clientAddress: '10.0.0.1',
};
const fjord: RequestContext = { ...demo, operatorId: DEMO_OPERATORS.fjord.id };

describe('signing in', () => {
  let db: TestDatabase;
  let deps: Deps;
  const clock = fixedClock(new Date('2027-01-15T09:00:00Z'));

  beforeAll(async () => {
    db = await testDatabase('identity');
    await runMigrations(db.pool, [...eventStoreMigrations, ...migrations]);
    const config = parseConfig(configSchema, { DATABASE_URL: db.url });
    deps = {
      config,
      logger: createLogger({ name: 'identity-test', level: 'silent' }),
      pool: db.pool,
      store: new PostgresEventStore(db.pool),
      clock,
      sms: new DevInboxSms(db.pool),
      keys: new SigningKeys(db.pool),
      // Sign-in never asks another service.
      rpc: null as never,
    };
    await loadDemoData(deps);
    await loadDemoData(deps); // twice: changes nothing
  }, 120_000);
  afterAll(() => db.drop());

  async function lastCode(phone: string): Promise<string> {
    const { rows } = await db.pool.query(
      'select text from dev_sms where phone = $1 order by id desc limit 1',
      [phone],
    );
    return /(\d{6})/.exec(rows[0].text)![1];
  }
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('stores the code only as a keyed hash and accepts it once', async () => {
    const phone = '+4791000001';
    const { challengeId } = await requestOtp(deps, { phone }, demo);
    const code = await lastCode(phone);
    const { rows } = await db.pool.query('select code_hash from otp_challenges where id = $1', [challengeId]);
    expect(rows[0].code_hash).not.toContain(code);
    const session = await verifyOtp(deps, { challengeId, code }, demo);
    expect(session.user).toMatchObject({ phone, roles: ['customer'] });
    await expect(verifyOtp(deps, { challengeId, code }, demo)).rejects.toMatchObject({ code: 'GONE' });
  });

  it('kills a code after the fifth wrong try, even for the right code', async () => {
    const phone = '+4791000002';
    const { challengeId } = await requestOtp(deps, { phone }, demo);
    const code = await lastCode(phone);
    for (let i = 0; i < 5; i++) {
      await expect(verifyOtp(deps, { challengeId, code: wrong(code) }, demo)).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });
    }
    await expect(verifyOtp(deps, { challengeId, code }, demo)).rejects.toMatchObject({ code: 'GONE' });
  });

  it('refuses a code older than 5 minutes', async () => {
    const phone = '+4791000003';
    const { challengeId } = await requestOtp(deps, { phone }, demo);
    const code = await lastCode(phone);
    clock.advance(5 * 60_000 + 1);
    await expect(verifyOtp(deps, { challengeId, code }, demo)).rejects.toMatchObject({ code: 'GONE' });
  });

  it('binds a challenge to the operator it was asked under', async () => {
    const phone = '+4791000004';
    const { challengeId } = await requestOtp(deps, { phone }, demo);
    await expect(verifyOtp(deps, { challengeId, code: await lastCode(phone) }, fjord)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('sends at most 3 codes per number in 15 minutes, counted across operators', async () => {
    const phone = '+4791000005';
    await requestOtp(deps, { phone }, demo);
    await requestOtp(deps, { phone }, fjord);
    await requestOtp(deps, { phone }, demo);
    const refused = await requestOtp(deps, { phone }, fjord).catch((e) => e);
    expect(refused.code).toBe('RATE_LIMITED');
    expect(refused.retryAfter).toBeGreaterThan(0);
    clock.advance(15 * 60_000);
    await expect(requestOtp(deps, { phone }, demo)).resolves.toHaveProperty('challengeId');
  });

  it('creates one user for a phone, even when two first sign-ins race', async () => {
    const phone = '+4791000006';
    const a = await requestOtp(deps, { phone }, demo);
    const codeA = await lastCode(phone);
    const b = await requestOtp(deps, { phone }, fjord);
    const codeB = await lastCode(phone);
    const [x, y] = await Promise.all([
      verifyOtp(deps, { challengeId: a.challengeId, code: codeA }, demo),
      verifyOtp(deps, { challengeId: b.challengeId, code: codeB }, fjord),
    ]);
    expect(x.user.id).toBe(y.user.id);
    const { rows } = await db.pool.query('select count(*)::int as n from users where phone = $1', [phone]);
    expect(rows[0].n).toBe(1);
  });

  it('answers the same for an unknown phone and a wrong password, and limits failed logins', async () => {
    const unknown = await login(deps, { phone: '+4791999999', password: 'whatever-password' }, demo).catch(
      (e) => e,
    );
    const wrongPassword = await login(
      deps,
      { phone: '+4790000002', password: 'not-the-password' },
      demo,
    ).catch((e) => e);
    expect(unknown.code).toBe('UNAUTHENTICATED');
    expect(wrongPassword.code).toBe('UNAUTHENTICATED');
    expect(unknown.message).toBe(wrongPassword.message);
    const officer = await login(deps, { phone: '+4790000002', password: 'demo-password-1' }, demo);
    expect(officer.user.roles.sort()).toEqual(['customer', 'officer']);
    for (let i = 0; i < 9; i++)
      await login(deps, { phone: '+4790000002', password: 'not-the-password' }, demo).catch(() => {});
    const limited = await login(deps, { phone: '+4790000002', password: 'demo-password-1' }, demo).catch(
      (e) => e,
    );
    expect(limited.code).toBe('RATE_LIMITED');
  }, 30_000);

  it('holds roles per operator: the demo officer is only a customer at fjord', async () => {
    clock.advance(16 * 60_000);
    const atFjord = await login(deps, { phone: '+4790000002', password: 'demo-password-1' }, fjord);
    expect(atFjord.user.roles).toEqual(['customer']);
  }, 30_000);
});
