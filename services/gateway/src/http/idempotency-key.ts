// The optional `Idempotency-Key` header (any string up to 255 characters), as the field services expect.
import { AppError } from '@parking/contracts';

export function idempotencyKeyOf(header: string | undefined): { idempotencyKey?: string } {
  if (header === undefined || header === '') return {};
  if (header.length > 255)
    throw new AppError('VALIDATION', 'The request is not valid', {
      fields: [{ path: 'Idempotency-Key', message: 'at most 255 characters' }],
    });
  return { idempotencyKey: header };
}
