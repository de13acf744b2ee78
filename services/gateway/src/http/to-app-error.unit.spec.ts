import { describe, expect, it } from '@jest/globals';
import { NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { AppError } from '@parking/contracts';
import { toProblem } from '@parking/platform';
import { z } from 'zod';
import { toAppError } from './to-app-error.js';

const problemOf = (err: unknown) => toProblem(toAppError(err, 'POST /v1/x'));

describe('problem mapping', () => {
  it('keeps AppErrors with their status and fields', () => {
    const p = problemOf(
      new AppError('RULE_VIOLATED', 'too many vehicles', {
        fields: [{ path: 'vehicles', message: 'max 1' }],
      }),
    );
    expect(p.status).toBe(422);
    expect(p.headers['content-type']).toBe('application/problem+json');
    expect(p.body.errors).toEqual([{ path: 'vehicles', message: 'max 1' }]);
  });

  it('answers 429 with Retry-After for rate limits', () => {
    const p = problemOf(new AppError('RATE_LIMITED', 'slow down', { retryAfter: 42 }));
    expect(p.status).toBe(429);
    expect(p.headers['retry-after']).toBe('42');
  });

  it('includes the failed agreement of a declined payment (402)', () => {
    const p = problemOf(
      new AppError('PAYMENT_DECLINED', 'declined', { data: { agreement: { id: 'a1', status: 'failed' } } }),
    );
    expect(p.status).toBe(402);
    expect(p.body.agreement).toEqual({ id: 'a1', status: 'failed' });
  });

  it('names every bad field of a zod error (400)', () => {
    const result = z.object({ zone: z.string(), plate: z.string() }).safeParse({});
    const p = problemOf(result.error);
    expect(p.status).toBe(400);
    expect(p.body.errors?.map((e) => e.path).sort()).toEqual(['plate', 'zone']);
  });

  it("maps Fastify's invalid JSON to 400 and a too large body to 413", () => {
    const invalidJson = Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 });
    expect(problemOf(invalidJson).status).toBe(400);
    expect(problemOf(invalidJson).body.detail).toMatch(/JSON/);
    expect(problemOf(new PayloadTooLargeException()).status).toBe(413);
  });

  it('answers an unknown route with a 404 problem naming method and path', () => {
    const p = problemOf(new NotFoundException('Cannot POST /v1/x?phone=+4791234567'));
    expect(p.status).toBe(404);
    expect(p.body.detail).toBe('No route POST /v1/x');
  });

  it('hides what a bug says (500, no stack, no message)', () => {
    const p = problemOf(new TypeError('secret internals at /src/x.ts:10'));
    expect(p.status).toBe(500);
    expect(JSON.stringify(p.body)).not.toMatch(/secret|x\.ts|stack/);
  });
});
