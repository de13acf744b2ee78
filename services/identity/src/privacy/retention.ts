// Retention of sign-in data (docs/limits-and-lifetimes.md): one-time code challenges and rate-limit
// claims are needed for minutes; they are deleted after 24 hours, and a person's on erasure.
import type { Pool } from 'pg';
import type { Logger } from '@parking/platform';
import { subjectHash } from '../limits/attempts.js';

export const SIGN_IN_DATA_RETENTION_MS = 24 * 3_600_000;

/** Deletes code challenges and limit claims older than 24 hours; returns how many rows went. */
export async function sweepSignInData(pool: Pool, now: Date): Promise<number> {
  const before = new Date(now.getTime() - SIGN_IN_DATA_RETENTION_MS);
  const codes = await pool.query('delete from otp_challenges where created_at < $1', [before]);
  const claims = await pool.query('delete from limit_attempts where at < $1', [before]);
  return (codes.rowCount ?? 0) + (claims.rowCount ?? 0);
}

/** A person's sign-in rows, on erasure: their challenges and the claims counted against their phone. */
export async function forgetSignInData(pool: Pool, hashKey: string, phone: string): Promise<void> {
  await pool.query('delete from otp_challenges where phone = $1', [phone]);
  await pool.query('delete from limit_attempts where (scope, subject_hash) in (($1, $2), ($3, $4))', [
    'otp-phone',
    subjectHash(hashKey, 'otp-phone', phone),
    'login-phone',
    subjectHash(hashKey, 'login-phone', phone),
  ]);
}

/** Runs the sweep hourly (and once now); returns a stop function. */
export function scheduleSignInSweep(pool: Pool, clock: { now(): Date }, logger: Logger): () => void {
  const run = () =>
    sweepSignInData(pool, clock.now()).catch((err) => logger.error({ err }, 'sign-in data sweep failed'));
  void run();
  const timer = setInterval(run, 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
