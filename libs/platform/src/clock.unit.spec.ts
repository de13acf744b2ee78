import { describe, expect, it } from '@jest/globals';
import { fixedClock, systemClock } from './clock.js';

describe('clocks', () => {
  it('the system clock tells the time', () => {
    expect(Math.abs(systemClock.now().getTime() - Date.now())).toBeLessThan(1_000);
  });

  it('a fixed clock stands still until set or advanced, and hands out copies', () => {
    const clock = fixedClock(new Date('2026-12-01T08:00:00Z'));
    const seen = clock.now();
    seen.setFullYear(2000);
    expect(clock.now().toISOString()).toBe('2026-12-01T08:00:00.000Z');
    clock.advance(60_000);
    expect(clock.now().toISOString()).toBe('2026-12-01T08:01:00.000Z');
    clock.set(new Date('2027-01-01T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});
