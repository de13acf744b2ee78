// Sign-in by SMS code or password, device credentials, token refresh and logout.
import { createHash, createHmac, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
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
  LOGIN_WINDOW_MS,
  MAX_FAILED_LOGINS,
  MAX_SENDS_PER_ADDRESS,
  MAX_SENDS_PER_PHONE,
  retryAfterSeconds,
  SEND_WINDOW_MS,
  verdict,
} from '../domain/otp.js';
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
  const since = new Date(now.getTime() - SEND_WINDOW_MS);
  const byPhone = await deps.pool.query('select sent_at from otp_sends where phone = $1 and sent_at > $2', [
    phone,
    since,
  ]);
  const byAddress = await deps.pool.query(
    'select sent_at from otp_sends where client_address = $1 and sent_at > $2',
    [address, since],
  );
  const wait = Math.max(
    retryAfterSeconds(
      byPhone.rows.map((r) => r.sent_at),
      MAX_SENDS_PER_PHONE,
      SEND_WINDOW_MS,
      now,
    ),
    retryAfterSeconds(
      byAddress.rows.map((r) => r.sent_at),
      MAX_SENDS_PER_ADDRESS,
      SEND_WINDOW_MS,
      now,
    ),
  );
  if (wait > 0)
    throw new AppError('RATE_LIMITED', 'Too many codes requested; try again later', { retryAfter: wait });

  const operator = await getOperator(deps.pool, ctx.operatorId);
  const challengeId = randomUUID();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await deps.pool.query('insert into otp_sends (phone, client_address, sent_at) values ($1, $2, $3)', [
    phone,
    address,
    now,
  ]);
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
  const failures = await deps.pool.query(
    'select failed_at from login_failures where phone = $1 and failed_at > $2',
    [phone, new Date(now.getTime() - LOGIN_WINDOW_MS)],
  );
  const wait = retryAfterSeconds(
    failures.rows.map((r) => r.failed_at),
    MAX_FAILED_LOGINS,
    LOGIN_WINDOW_MS,
    now,
  );
  if (wait > 0)
    throw new AppError('RATE_LIMITED', 'Too many failed logins; try again later', { retryAfter: wait });
  const user = await findUserByPhone(deps.pool, phone);
  const ok = await verifySecret(user?.password_hash, password);
  if (!user || !user.password_hash || !ok) {
    await deps.pool.query('insert into login_failures (phone, failed_at) values ($1, $2)', [phone, now]);
    throw new AppError('UNAUTHENTICATED', 'Wrong phone number or password');
  }
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
  familyId = randomUUID(),
): Promise<TokenResponse> {
  const roles = await rolesAt(deps.pool, user, operatorId);
  const accessToken = await deps.keys.sign(
    { sub: user.id, op: operatorId, kind: 'user', roles, sid: familyId },
    deps.config.ACCESS_TOKEN_TTL_SECONDS,
  );
  const refreshToken = randomBytes(32).toString('base64url');
  await deps.pool.query(
    'insert into refresh_tokens (token_hash, family_id, user_id, operator_id) values ($1, $2, $3, $4)',
    [tokenHash(refreshToken), familyId, user.id, operatorId],
  );
  return {
    accessToken,
    refreshToken,
    expiresIn: deps.config.ACCESS_TOKEN_TTL_SECONDS,
    user: { id: user.id, phone: user.phone, roles, profileComplete: Boolean(user.name && user.email) },
  };
}

/** Rotates a refresh token; a spent one used again revokes its whole session family. */
export async function refresh(
  deps: Deps,
  input: unknown,
  ctx: RequestContext,
): Promise<Omit<TokenResponse, 'user'>> {
  const { refreshToken } = parseOrThrow(refreshSchema, input);
  const { rows } = await deps.pool.query('select * from refresh_tokens where token_hash = $1', [
    tokenHash(refreshToken),
  ]);
  const token = rows[0];
  if (!token || token.operator_id !== ctx.operatorId)
    throw new AppError('UNAUTHENTICATED', 'Unknown refresh token');
  if (token.revoked_at) throw new AppError('UNAUTHENTICATED', 'The session has ended');
  const spent = await deps.pool.query(
    'update refresh_tokens set spent_at = now() where token_hash = $1 and spent_at is null returning 1',
    [token.token_hash],
  );
  if (!spent.rowCount) {
    await deps.pool.query('update refresh_tokens set revoked_at = now() where family_id = $1', [
      token.family_id,
    ]);
    throw new AppError('UNAUTHENTICATED', 'The refresh token was used before; the session is revoked');
  }
  const user = await findUser(deps.pool, token.user_id);
  if (!user) throw new AppError('UNAUTHENTICATED', 'Unknown user');
  const { user: _user, ...tokens } = await issueSession(deps, user, ctx.operatorId, token.family_id);
  return tokens;
}

export async function logout(deps: Deps, input: unknown): Promise<Record<string, never>> {
  const { refreshToken } = parseOrThrow(refreshSchema, input);
  await deps.pool.query(
    `update refresh_tokens set revoked_at = now() where family_id =
       (select family_id from refresh_tokens where token_hash = $1)`,
    [tokenHash(refreshToken)],
  );
  return {};
}

export async function deviceToken(deps: Deps, input: unknown): Promise<DeviceTokenResponse> {
  const { clientId, clientSecret } = parseOrThrow(deviceTokenSchema, input);
  const { rows } = await deps.pool.query(
    'select * from devices where client_id = $1 and revoked_at is null',
    [clientId],
  );
  const device = rows[0];
  const ok = await verifySecret(device?.secret_hash, clientSecret);
  if (!device || !ok) throw new AppError('UNAUTHENTICATED', 'Unknown client or wrong secret');
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
