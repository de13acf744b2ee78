import { describe, expect, it } from '@jest/globals';
import { defaultRetryForMs, deliveriesWithin, retryDelayMs } from './consumer.js';

describe('consumer retry schedule', () => {
  it('retries for 24 hours by default, at most 5 minutes apart, not 5 deliveries in 6 seconds', () => {
    expect(defaultRetryForMs({})).toBe(24 * 3_600_000);
    expect(defaultRetryForMs({ CONSUMER_RETRY_HOURS: '2' })).toBe(2 * 3_600_000);
    const n = deliveriesWithin(defaultRetryForMs({}));
    let waited = 0;
    for (let d = 1; d < n; d++) waited += retryDelayMs(d);
    // The last delivery comes within the last gap before 24 h, never after.
    expect(waited).toBeLessThanOrEqual(24 * 3_600_000);
    expect(waited + retryDelayMs(n)).toBeGreaterThan(24 * 3_600_000);
    expect(retryDelayMs(1)).toBe(400);
    expect(retryDelayMs(50)).toBe(300_000);
  });

  it('fits three deliveries in 1.5 seconds (400 ms, then 800 ms apart)', () => {
    expect(deliveriesWithin(1_500)).toBe(3);
    expect(deliveriesWithin(0)).toBe(1);
  });
});
