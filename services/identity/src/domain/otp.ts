// One-time code rules (PRODUCT.md "Identity"): 6 digits, valid 5 minutes, at most 5 wrong tries per code
// (after the fifth the code is dead, even for the right code), at most 3 codes per number and 30 per
// client address per 15 minutes; at most 10 failed password logins per number and 50 per address per
// 15 minutes (successes do not count).
export const CODE_TTL_MS = 5 * 60_000;
export const MAX_WRONG_TRIES = 5;
export const SEND_WINDOW_MS = 15 * 60_000;
export const MAX_SENDS_PER_PHONE = 3;
export const MAX_SENDS_PER_ADDRESS = 30;
export const LOGIN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILED_LOGINS = 10;
export const MAX_FAILED_LOGINS_PER_ADDRESS = 50;
/** Failed device-token requests per client id *and* address: an attacker elsewhere cannot lock a camera out. */
export const DEVICE_WINDOW_MS = 15 * 60_000;
export const MAX_FAILED_DEVICE_TOKENS = 10;

export type Verdict = 'accepted' | 'wrong_code' | 'expired' | 'exhausted' | 'used';

export interface ChallengeState {
  createdAt: Date;
  wrongTries: number;
  usedAt: Date | null;
}

export function verdict(challenge: ChallengeState, codeMatches: boolean, now: Date): Verdict {
  if (challenge.usedAt) return 'used';
  if (challenge.wrongTries >= MAX_WRONG_TRIES) return 'exhausted';
  if (now.getTime() - challenge.createdAt.getTime() > CODE_TTL_MS) return 'expired';
  return codeMatches ? 'accepted' : 'wrong_code';
}

/**
 * Seconds until another attempt is allowed, or 0 when it is allowed now: `recent` are the times of the
 * attempts that count within the window.
 */
export function retryAfterSeconds(recent: Date[], max: number, windowMs: number, now: Date): number {
  const inWindow = recent
    .filter((t) => now.getTime() - t.getTime() < windowMs)
    .sort((a, b) => a.getTime() - b.getTime());
  if (inWindow.length < max) return 0;
  const freesAt = inWindow[inWindow.length - max].getTime() + windowMs;
  return Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000));
}
