// Every sign-in limit holds when the requests arrive at once (PRODUCT.md: "Every limit holds when the
// requests arrive at once, not only one after another"), and sessions end as documented. The requests
// run in parallel against a real PostgreSQL; the old count-then-insert code let most of them through.
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
import { deviceToken, login, refresh, requestOtp, verifyOtp } from '../commands/sessions.js';
import { eraseMe } from '../commands/people.js';
import { sweepSignInData } from '../privacy/retention.js';

const from = (clientAddress: string, operatorId = DEMO_OPERATORS.demo.id): RequestContext => ({
  operatorId,
  caller: { kind: 'anonymous' },
  correlationId: 'test',
  clientAddress,
});
const DAY = 86_400_000;

/** Runs every call at once; counts outcomes by error code ('ok' for success). */
async function outcomes(calls: Array<() => Promise<unknown>>): Promise<Record<string, number>> {
  const settled = await Promise.allSettled(calls.map((c) => c()));
  const counts: Record<string, number> = {};
  for (const s of settled) {
    const key = s.status === 'fulfilled' ? 'ok' : String((s.reason as { code?: string }).code ?? s.reason);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('sign-in limits under parallel requests, and session lifetimes', () => {
  let db: TestDatabase;
  let deps: Deps;
  const clock = fixedClock(new Date('2027-03-01T09:00:00Z'));

  beforeAll(async () => {
    db = await testDatabase('identity_limits');
    await runMigrations(db.pool, [...eventStoreMigrations, ...migrations]);
    deps = {
      config: parseConfig(configSchema, { DATABASE_URL: db.url }),
      logger: createLogger({ name: 'identity-test', level: 'silent' }),
      pool: db.pool,
      store: new PostgresEventStore(db.pool),
      clock,
      sms: new DevInboxSms(db.pool),
      keys: new SigningKeys(db.pool),
      rpc: null as never,
    };
    await loadDemoData(deps);
  }, 120_000);
  afterAll(() => db.drop());

  const smsCount = async (phone: string) =>
    (await db.pool.query('select count(*)::int as n from dev_sms where phone = $1', [phone])).rows[0].n;
  const lastCode = async (phone: string) =>
    /(\d{6})/.exec(
      (await db.pool.query('select text from dev_sms where phone = $1 order by id desc limit 1', [phone]))
        .rows[0].text,
    )![1];

  it('sends 3 codes, not 11, when 20 requests for one number arrive at once', async () => {
    const phone = '+4792000001';
    const counts = await outcomes(
      Array.from({ length: 20 }, (_, i) => () => requestOtp(deps, { phone }, from(`10.1.0.${i}`))),
    );
    expect(counts).toEqual({ ok: 3, RATE_LIMITED: 17 });
    expect(await smsCount(phone)).toBe(3);
  });

  it('sends 30 codes per client address across numbers, at once', async () => {
    const counts = await outcomes(
      Array.from(
        { length: 40 },
        (_, i) => () =>
          requestOtp(deps, { phone: `+47920010${String(i).padStart(2, '0')}` }, from('10.2.0.1')),
      ),
    );
    expect(counts).toEqual({ ok: 30, RATE_LIMITED: 10 });
  });

  it('judges 5 wrong codes of one challenge sent at once; the rest find it dead', async () => {
    const phone = '+4792000002';
    const { challengeId } = await requestOtp(deps, { phone }, from('10.3.0.1'));
    const code = await lastCode(phone);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const counts = await outcomes(
      Array.from({ length: 20 }, () => () => verifyOtp(deps, { challengeId, code: wrong }, from('10.3.0.1'))),
    );
    expect(counts).toEqual({ UNAUTHENTICATED: 5, GONE: 15 });
  });

  it('judges 10 of 40 wrong passwords for one account sent at once', async () => {
    const counts = await outcomes(
      Array.from(
        { length: 40 },
        (_, i) => () =>
          login(deps, { phone: '+4790000001', password: 'not-the-password' }, from(`10.4.0.${i}`)),
      ),
    );
    expect(counts).toEqual({ UNAUTHENTICATED: 10, RATE_LIMITED: 30 });
  }, 60_000);

  it('judges 50 failed logins per client address across many numbers, at once', async () => {
    const counts = await outcomes(
      Array.from(
        { length: 60 },
        (_, i) => () =>
          login(
            deps,
            { phone: `+47920020${String(i).padStart(2, '0')}`, password: 'whatever-password' },
            from('10.5.0.1'),
          ),
      ),
    );
    expect(counts).toEqual({ UNAUTHENTICATED: 50, RATE_LIMITED: 10 });
  }, 60_000);

  it('does not count successful logins', async () => {
    for (let i = 0; i < 12; i++)
      await login(deps, { phone: '+4790000009', password: 'demo-password-1' }, from('10.6.0.1'));
  }, 60_000);

  it('limits failed device-token requests per client id and address: a camera elsewhere still gets in', async () => {
    const counts = await outcomes(
      Array.from(
        { length: 15 },
        () => () =>
          deviceToken(deps, { clientId: 'demo-camera', clientSecret: 'wrong-secret!' }, from('10.7.0.1')),
      ),
    );
    expect(counts).toEqual({ UNAUTHENTICATED: 10, RATE_LIMITED: 5 });
    await expect(
      deviceToken(deps, { clientId: 'demo-camera', clientSecret: 'demo-camera-secret' }, from('10.7.0.1')),
    ).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(
      deviceToken(deps, { clientId: 'demo-camera', clientSecret: 'demo-camera-secret' }, from('10.7.0.2')),
    ).resolves.toHaveProperty('accessToken');
  }, 60_000);

  it('leaves no live token when two refreshes of one token race (the family is revoked)', async () => {
    for (let round = 0; round < 8; round++) {
      const session = await login(
        deps,
        { phone: '+4790000002', password: 'demo-password-1' },
        from('10.8.0.1'),
      );
      const results = await Promise.allSettled([
        refresh(deps, { refreshToken: session.refreshToken }, from('10.8.0.1')),
        refresh(deps, { refreshToken: session.refreshToken }, from('10.8.0.1')),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      const next = (won[0] as PromiseFulfilledResult<{ refreshToken: string }>).value.refreshToken;
      // The loser revoked the family after the winner's token was inserted: it must be dead too.
      await expect(refresh(deps, { refreshToken: next }, from('10.8.0.1'))).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });
    }
  }, 60_000);

  it('expires a refresh token after 30 days unused and a session 180 days after sign-in', async () => {
    const session = await login(
      deps,
      { phone: '+4790000002', password: 'demo-password-1' },
      from('10.9.0.1'),
    );
    let token = session.refreshToken;
    const unused = await login(deps, { phone: '+4790000002', password: 'demo-password-1' }, from('10.9.0.1'));
    clock.advance(29 * DAY);
    token = (await refresh(deps, { refreshToken: token }, from('10.9.0.1'))).refreshToken;
    clock.advance(DAY + 60_000);
    await expect(
      refresh(deps, { refreshToken: unused.refreshToken }, from('10.9.0.1')),
    ).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    // Refreshed every 25 days, it still ends 180 days after the sign-in.
    for (let day = 30; day + 25 < 180; day += 25) {
      clock.advance(25 * DAY);
      token = (await refresh(deps, { refreshToken: token }, from('10.9.0.1'))).refreshToken;
    }
    clock.advance(26 * DAY);
    await expect(refresh(deps, { refreshToken: token }, from('10.9.0.1'))).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  }, 60_000);

  it('deletes code and limit rows after 24 hours, and a person’s codes on erasure', async () => {
    const phone = '+4792000003';
    const { challengeId } = await requestOtp(deps, { phone }, from('10.10.0.1'));
    const session = await verifyOtp(deps, { challengeId, code: await lastCode(phone) }, from('10.10.0.1'));
    await requestOtp(deps, { phone }, from('10.10.0.1'));
    const count = async (sql: string, args: unknown[] = []) => (await db.pool.query(sql, args)).rows[0].n;
    expect(await count('select count(*)::int as n from otp_challenges where phone = $1', [phone])).toBe(2);
    const erasedBy: RequestContext = {
      ...from('10.10.0.1'),
      caller: { kind: 'user', userId: session.user.id, roles: ['customer'] },
    };
    await eraseMe(deps, erasedBy);
    expect(await count('select count(*)::int as n from otp_challenges where phone = $1', [phone])).toBe(0);

    expect(await count('select count(*)::int as n from limit_attempts')).toBeGreaterThan(0);
    clock.advance(DAY + 1);
    await sweepSignInData(db.pool, clock.now());
    expect(await count('select count(*)::int as n from limit_attempts')).toBe(0);
    expect(await count('select count(*)::int as n from otp_challenges')).toBe(0);
    // No phone number in clear text in the limit rows.
    expect(JSON.stringify((await db.pool.query('select * from limit_attempts')).rows)).not.toContain('+47');
  });
});
