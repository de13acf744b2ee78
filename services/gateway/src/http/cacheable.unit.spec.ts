import { describe, expect, it } from '@jest/globals';
import { AppError } from '@parking/contracts';
import { etagOf } from './cacheable.js';
import { idempotencyKeyOf } from './idempotency-key.js';

describe('public read ETags', () => {
  it('differ per operator for the same body, and per body', () => {
    const body = { items: [{ id: 'c1', name: 'Tønsberg' }] };
    expect(etagOf('op-a', body)).toBe(etagOf('op-a', { items: [{ id: 'c1', name: 'Tønsberg' }] }));
    expect(etagOf('op-a', body)).not.toBe(etagOf('op-b', body));
    expect(etagOf('op-a', body)).not.toBe(etagOf('op-a', { items: [] }));
  });
});

describe('Idempotency-Key header', () => {
  it('passes a key up to 255 characters and refuses a longer one naming the header', () => {
    expect(idempotencyKeyOf('k'.repeat(255))).toEqual({ idempotencyKey: 'k'.repeat(255) });
    expect(idempotencyKeyOf(undefined)).toEqual({});
    let error: AppError | undefined;
    try {
      idempotencyKeyOf('k'.repeat(256));
    } catch (err) {
      error = err as AppError;
    }
    expect(error?.code).toBe('VALIDATION');
    expect(error?.fields?.[0].path).toBe('Idempotency-Key');
  });
});
