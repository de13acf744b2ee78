// Sign-in by SMS code or password, device credentials, token refresh and logout.
import { createHash, createHmac, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import { AppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import {
  deviceTokenSchema,
  loginSchema,
  refreshSchema,
  requestOtpSchema,
  verifyOtpSchema,
  type DeviceTokenResponse,
  type OtpChallenge,
  type TokenResponse,
} from '@parking/contracts/identity';
import { verifySecret } from '../tokens/secret-hashing.js';
import { otpHashKey, type Config } from '../config.js';
import type { Deps } from '../deps.js';
import {
  CODE_TTL_MS,
  DEVICE_WINDOW_MS,
  LOGIN_WINDOW_MS,
  MAX_FAILED_DEVICE_TOKENS,
  MAX_FAILED_LOGINS,
  MAX_FAILED_LOGINS_PER_ADDRESS,
  MAX_SENDS_PER_ADDRESS,
  MAX_SENDS_PER_PHONE,
  SEND_WINDOW_MS,
  verdict,
} from '../domain/otp.js';
import { claimAttempt, releaseAttempt } from '../limits/attempts.js';
import { getOperator } from '../operators/operators.js';
import { TEMPLATES } from '../sms/sms.port.js';
import { ensureUser, findUser, findUserByPhone, rolesAt, runUserCommand, type UserRow } from './users.js';

const codeHash = (config: Config, challengeId: string, code: string) =>
  createHmac('sha256', otpHashKey(config)).update(`${challengeId}:${code}`).digest('hex');
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
export const platformPhones = (config: Config) =>
  config.BOOTSTRAP_PLATFORM_PHONES.split(',')
    .map((p) => p.trim())
    .filter(Boolean);

export async function requestOtp(deps: Deps, input: unknown, ctx: RequestContext): Promise<OtpChallenge> {
  const { phone } = parseOrThrow(requestOtpSchema, input);
  const now = deps.clock.now();
  const address = ctx.clientAddress ?? 'unknown';
  await claimAttempt(
    deps.pool,
    otpHashKey(deps.config),
    [
      { scope: 'otp-phone', subject: phone, max: MAX_SENDS_PER_PHONE, windowMs: SEND_WINDOW_MS },
      { scope: 'otp-address', subject: address, max: MAX_SENDS_PER_ADDRESS, windowMs: SEND_WINDOW_MS },
    ],
    now,
    'Too many codes requested; try again later',
  );

  const operator = await getOperator(deps.pool, ctx.operatorId);
  const challengeId = randomUUID();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await deps.pool.query(
    'insert into otp_challenges (id, operator_id, phone, code_hash, created_at) values ($1, $2, $3, $4, $5)',
    [challengeId, ctx.operatorId, phone, codeHash(deps.config, challengeId, code), now],
  );
  await deps.sms.send({
    operatorSlug: operator.slug,
    sender: operator.smsSender,
    phone,
    text: TEMPLATES.otp({ code }),
  });
  return { challengeId, expiresAt: new Date(now.getTime() + CODE_TTL_MS).toISOString() };
}

export async function verifyOtp(deps: Deps, input: unknown, ctx: RequestContext): Promise<TokenResponse> {
  const { challengeId, code } = parseOrThrow(verifyOtpSchema, input);
  const now = deps.clock.now();
  if (!/^[0-9a-f-]{36}$/i.test(challengeId)) throw new AppError('NOT_FOUND', 'no such challenge');
  const client = await deps.pool.connect();
  let phone: string;
  try {
    await client.query('begin');
    const { rows } = await client.query('select * from otp_challenges where id = $1 for update', [
      challengeId,
    ]);
    const challenge = rows[0];
    // A challenge belongs to the operator it was asked under.
    if (!challenge || challenge.operator_id !== ctx.operatorId) {
      await client.query('rollback');
      throw new AppError('NOT_FOUND', 'no such challenge');
    }
    const expected = Buffer.from(challenge.code_hash, 'hex');
    const matches = timingSafeEqual(expected, Buffer.from(codeHash(deps.config, challengeId, code), 'hex'));
    const v = verdict(
      { createdAt: challenge.created_at, wrongTries: challenge.wrong_tries, usedAt: challenge.used_at },
      matches,
      now,
    );
    if (v === 'wrong_code') {
      await client.query('update otp_challenges set wrong_tries = wrong_tries + 1 where id = $1', [
        challengeId,
      ]);
      await client.query('commit');
      throw new AppError('UNAUTHENTICATED', 'The code is wrong');
    }
    if (v !== 'accepted') {
      await client.query('rollback');
      throw new AppError(
        'GONE',
        v === 'expired' ? 'The code has expired' : 'The code can no longer be used; ask for a new one',
      );
    }
    await client.query('update otp_challenges set used_at = $2 where id = $1', [challengeId, now]);
    await client.query('commit');
    phone = challenge.phone;
  } finally {
    client.release();
  }
  const user = await ensureUser(deps, phone, ctx.operatorId, platformPhones(deps.config));
  return issueSession(deps, user, ctx.operatorId);
}

export async function login(deps: Deps, input: unknown, ctx: RequestContext): Promise<TokenResponse> {
  const { phone, password } = parseOrThrow(loginSchema, input);
  const now = deps.clock.now();
  // Every try is claimed before the (slow) password check, so 40 wrong passwords sent at once get 10
  // judgements and 30 refusals; a success gives its claim back (successes do not count).
  const claim = await claimAttempt(
    deps.pool,
    otpHashKey(deps.config),
    [
      { scope: 'login-phone', subject: phone, max: MAX_FAILED_LOGINS, windowMs: LOGIN_WINDOW_MS },
      {
        scope: 'login-address',
        subject: ctx.clientAddress ?? 'unknown',
        max: MAX_FAILED_LOGINS_PER_ADDRESS,
        windowMs: LOGIN_WINDOW_MS,
      },
    ],
    now,
    'Too many failed logins; try again later',
  );
  const user = await findUserByPhone(deps.pool, phone);
  const ok = await verifySecret(user?.password_hash, password);
  if (!user || !user.password_hash || !ok)
    throw new AppError('UNAUTHENTICATED', 'Wrong phone number or password');
  await releaseAttempt(deps.pool, claim);
  await runUserCommand(
    deps,
    user.id,
    { type: 'JoinOperator', operatorId: ctx.operatorId },
    { operatorId: ctx.operatorId, actor: { kind: 'user', id: user.id } },
  );
  return issueSession(deps, user, ctx.operatorId);
}

async function issueSession(
  deps: Deps,
  user: UserRow,
  operatorId: string,
  familyId?: string,
  db: pg.Pool | pg.PoolClient = deps.pool,
): Promise<TokenResponse> {
  const now = deps.clock.now();
  const sid = familyId ?? randomUUID();
  const roles = await rolesAt(db, user, operatorId);
  const accessToken = await deps.keys.sign(
    { sub: user.id, op: operatorId, kind: 'user', roles, sid },
    deps.config.ACCESS_TOKEN_TTL_SECONDS,
  );
  const refreshToken = randomBytes(32).toString('base64url');
  if (!familyId) {
    await db.query('insert into session_families (family_id, user_id, started_at) values ($1, $2, $3)', [
      sid,
      user.id,
      now,
    ]);
  }
  await db.query(
    `insert into refresh_tokens (token_hash, family_id, user_id, operator_id, created_at)
     values ($1, $2, $3, $4, $5)`,
    [tokenHash(refreshToken), sid, user.id, operatorId, now],
  );
  return {
    accessToken,
    refreshToken,
    expiresIn: deps.config.ACCESS_TOKEN_TTL_SECONDS,
    user: { id: user.id, phone: user.phone, roles, profileComplete: Boolean(user.name && user.email) },
  };
}

const DAY_MS = 86_400_000;

/**
 * Rotates a refresh token; a spent one used again revokes its whole session family. Spending, the
 * revocation and lifetime checks and the insert of the next token happen in one transaction that holds
 * the family's row lock: two refreshes of one token racing get one new token and one revocation, and
 * no new token outlives a revoked family. A token expires after REFRESH_TOKEN_IDLE_DAYS unused and
 * REFRESH_TOKEN_MAX_DAYS after its sign-in.
 */
export async function refresh(
  deps: Deps,
  input: unknown,
  ctx: RequestContext,
): Promise<Omit<TokenResponse, 'user'>> {
  const { refreshToken } = parseOrThrow(refreshSchema, input);
  const now = deps.clock.now();
  const client = await deps.pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query('select * from refresh_tokens where token_hash = $1', [
      tokenHash(refreshToken),
    ]);
    const token = rows[0];
    if (!token || token.operator_id !== ctx.operatorId)
      throw new AppError('UNAUTHENTICATED', 'Unknown refresh token');
    const family = (
      await client.query('select * from session_families where family_id = $1 for update', [token.family_id])
    ).rows[0];
    if (!family || family.revoked_at) throw new AppError('UNAUTHENTICATED', 'The session has ended');
    const idle =
      now.getTime() - new Date(token.created_at).getTime() > deps.config.REFRESH_TOKEN_IDLE_DAYS * DAY_MS;
    const old =
      now.getTime() - new Date(family.started_at).getTime() > deps.config.REFRESH_TOKEN_MAX_DAYS * DAY_MS;
    if (idle || old) throw new AppError('UNAUTHENTICATED', 'The session has expired; sign in again');
    const spent = await client.query(
      'update refresh_tokens set spent_at = $2 where token_hash = $1 and spent_at is null returning 1',
      [token.token_hash, now],
    );
    if (!spent.rowCount) {
      await revokeFamily(client, token.family_id, now);
      await client.query('commit');
      throw new AppError('UNAUTHENTICATED', 'The refresh token was used before; the session is revoked');
    }
    const user = await findUser(client, token.user_id);
    if (!user) throw new AppError('UNAUTHENTICATED', 'Unknown user');
    const { user: _user, ...tokens } = await issueSession(
      deps,
      user,
      ctx.operatorId,
      token.family_id,
      client,
    );
    await client.query('commit');
    return tokens;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function revokeFamily(db: pg.Pool | pg.PoolClient, familyId: string, now: Date) {
  await db.query('update session_families set revoked_at = coalesce(revoked_at, $2) where family_id = $1', [
    familyId,
    now,
  ]);
  await db.query('update refresh_tokens set revoked_at = coalesce(revoked_at, $2) where family_id = $1', [
    familyId,
    now,
  ]);
}

export async function logout(deps: Deps, input: unknown): Promise<Record<string, never>> {
  const { refreshToken } = parseOrThrow(refreshSchema, input);
  const { rows } = await deps.pool.query('select family_id from refresh_tokens where token_hash = $1', [
    tokenHash(refreshToken),
  ]);
  if (rows[0]) await revokeFamily(deps.pool, rows[0].family_id, deps.clock.now());
  return {};
}

export async function deviceToken(
  deps: Deps,
  input: unknown,
  ctx: RequestContext,
): Promise<DeviceTokenResponse> {
  const { clientId, clientSecret } = parseOrThrow(deviceTokenSchema, input);
  // Counted per client id and address together: failures from elsewhere cannot lock the camera out.
  const claim = await claimAttempt(
    deps.pool,
    otpHashKey(deps.config),
    [
      {
        scope: 'device-token',
        subject: `${clientId}\n${ctx.clientAddress ?? 'unknown'}`,
        max: MAX_FAILED_DEVICE_TOKENS,
        windowMs: DEVICE_WINDOW_MS,
      },
    ],
    deps.clock.now(),
    'Too many failed token requests; try again later',
  );
  const { rows } = await deps.pool.query(
    'select * from devices where client_id = $1 and revoked_at is null',
    [clientId],
  );
  const device = rows[0];
  const ok = await verifySecret(device?.secret_hash, clientSecret);
  if (!device || !ok) throw new AppError('UNAUTHENTICATED', 'Unknown client or wrong secret');
  await releaseAttempt(deps.pool, claim);
  const accessToken = await deps.keys.sign(
    {
      sub: device.id,
      op: device.operator_id,
      kind: 'device',
      roles: ['device'],
      ...(device.zone_ids ? { zones: device.zone_ids } : {}),
    },
    deps.config.ACCESS_TOKEN_TTL_SECONDS,
  );
  return { accessToken, expiresIn: deps.config.ACCESS_TOKEN_TTL_SECONDS };
}
