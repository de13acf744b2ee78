// Rate limits that hold when the requests arrive at once (PRODUCT.md "Identity"): every attempt is a
// claim, taken in one transaction under an advisory lock per limited subject (phone, client address,
// challenge, device client id), after counting the subject's claims in the window. Never
// count-then-insert outside a lock: 20 code requests sent together would all see "0 sent".
//
// Subjects are stored only as keyed hashes (no phone number in clear text here), and rows are deleted
// after 24 hours by the retention sweep (see ../privacy/retention.ts).
import { createHmac, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { AppError } from '@parking/contracts';
import { retryAfterSeconds } from '../domain/otp.js';

export interface Limit {
  /** What is counted, e.g. `otp-phone`; one lock and one count per (scope, subject). */
  scope: string;
  subject: string;
  max: number;
  windowMs: number;
}

export const subjectHash = (key: string, scope: string, subject: string) =>
  createHmac('sha256', key).update(`${scope}:${subject}`).digest('hex');

/**
 * Takes one attempt under every limit, or none: when any limit is reached, throws RATE_LIMITED with the
 * longest wait (429 with Retry-After). Returns the claim's id so that an attempt which turns out not to
 * count (a successful login) can be given back with `release`.
 */
export async function claimAttempt(
  pool: Pool,
  hashKey: string,
  limits: Limit[],
  now: Date,
  message: string,
): Promise<string> {
  const claimId = randomUUID();
  const keyed = limits
    .map((l) => ({ ...l, hash: subjectHash(hashKey, l.scope, l.subject) }))
    // One lock order for every caller, so two requests locking the same two subjects cannot deadlock.
    .sort((a, b) => (a.scope + a.hash < b.scope + b.hash ? -1 : 1));
  const client = await pool.connect();
  try {
    await client.query('begin');
    let wait = 0;
    for (const l of keyed) {
      await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`${l.scope}:${l.hash}`]);
      const { rows } = await client.query<{ at: Date }>(
        'select at from limit_attempts where scope = $1 and subject_hash = $2 and at > $3',
        [l.scope, l.hash, new Date(now.getTime() - l.windowMs)],
      );
      wait = Math.max(
        wait,
        retryAfterSeconds(
          rows.map((r) => r.at),
          l.max,
          l.windowMs,
          now,
        ),
      );
    }
    if (wait > 0) {
      await client.query('rollback');
      throw new AppError('RATE_LIMITED', message, { retryAfter: wait });
    }
    for (const l of keyed) {
      await client.query(
        'insert into limit_attempts (claim_id, scope, subject_hash, at) values ($1, $2, $3, $4)',
        [claimId, l.scope, l.hash, now],
      );
    }
    await client.query('commit');
    return claimId;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Gives an attempt back: it does not count (e.g. the password was right). */
export async function releaseAttempt(pool: Pool, claimId: string): Promise<void> {
  await pool.query('delete from limit_attempts where claim_id = $1', [claimId]);
}
