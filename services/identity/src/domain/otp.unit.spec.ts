import { describe, expect, it } from '@jest/globals';
import { MAX_SENDS_PER_PHONE, retryAfterSeconds, SEND_WINDOW_MS, verdict } from './otp.js';

const t0 = new Date('2027-01-15T09:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('one-time codes', () => {
  it('accepts the right code within 5 minutes', () => {
    expect(verdict({ createdAt: t0, wrongTries: 0, usedAt: null }, true, at(4 * 60_000))).toBe('accepted');
  });

  it('refuses a code older than 5 minutes', () => {
    expect(verdict({ createdAt: t0, wrongTries: 0, usedAt: null }, true, at(5 * 60_000 + 1))).toBe('expired');
  });

  it('kills the code after the fifth wrong try, even for the right code', () => {
    expect(verdict({ createdAt: t0, wrongTries: 4, usedAt: null }, false, at(1000))).toBe('wrong_code');
    expect(verdict({ createdAt: t0, wrongTries: 5, usedAt: null }, true, at(1000))).toBe('exhausted');
  });

  it('accepts a code once', () => {
    expect(verdict({ createdAt: t0, wrongTries: 0, usedAt: at(10) }, true, at(1000))).toBe('used');
  });
});

describe('send limits', () => {
  it('allows 3 codes per number in 15 minutes, then says when the next is allowed', () => {
    const sends = [at(0), at(60_000), at(120_000)];
    expect(retryAfterSeconds(sends.slice(0, 2), MAX_SENDS_PER_PHONE, SEND_WINDOW_MS, at(180_000))).toBe(0);
    expect(retryAfterSeconds(sends, MAX_SENDS_PER_PHONE, SEND_WINDOW_MS, at(180_000))).toBe(12 * 60);
    expect(retryAfterSeconds(sends, MAX_SENDS_PER_PHONE, SEND_WINDOW_MS, at(SEND_WINDOW_MS))).toBe(0);
  });
});
