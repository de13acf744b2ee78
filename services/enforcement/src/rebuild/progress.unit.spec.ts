import { describe, expect, it } from '@jest/globals';
import { formatProgress } from './progress.js';

describe('rebuild progress', () => {
  it('prints the percent, the rate and the time left', () => {
    expect(
      formatProgress('enforcement/read-model', { phase: 'read', handled: 30_000, total: 120_000, ms: 1_000 }),
    ).toBe('enforcement/read-model: read 30000/120000 events (25%), 30000/s, ETA 3 s');
    expect(formatProgress('x', { phase: 'read', handled: 0, total: 10, ms: 0 })).toBe(
      'x: read 0/10 events (0%), 0/s, ETA unknown',
    );
    expect(formatProgress('x', { phase: 'done', handled: 10, total: 10, ms: 500 })).toBe(
      'x: done 10/10 events (100%), 20/s, ETA 0 s',
    );
  });
});
