import { describe, expect, it } from '@jest/globals';
import { AppError, ERROR_CODES, type ErrorCode } from '@parking/contracts';
import { httpStatusOf, PROBLEM_CONTENT_TYPE, toProblem } from './problem.js';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  PAYMENT_DECLINED: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  GONE: 410,
  PAYLOAD_TOO_LARGE: 413,
  RULE_VIOLATED: 422,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

describe('httpStatusOf', () => {
  it.each(ERROR_CODES.map((code) => [code, STATUS[code]] as const))('maps %s to %i', (code, status) => {
    expect(httpStatusOf(code)).toBe(status);
  });
});

describe('toProblem', () => {
  it.each(ERROR_CODES.filter((c) => c !== 'INTERNAL'))('turns an AppError %s into problem+json', (code) => {
    // devMode: a 503 keeps its detail there (production hides it, tested below).
    const problem = toProblem(new AppError(code, `message for ${code}`), {
      instance: '/v1/x',
      devMode: true,
    });
    expect(problem.status).toBe(STATUS[code]);
    expect(problem.headers['content-type']).toBe(PROBLEM_CONTENT_TYPE);
    expect(problem.body).toMatchObject({
      type: `https://errors.parking.example/${code.toLowerCase().replace(/_/g, '-')}`,
      status: STATUS[code],
      detail: `message for ${code}`,
      instance: '/v1/x',
    });
    expect(typeof problem.body.title).toBe('string');
  });

  it('accepts the ErrorBody of a failed NATS reply', () => {
    const problem = toProblem({ code: 'NOT_FOUND', message: 'agreement not found' });
    expect(problem.status).toBe(404);
    expect(problem.body.detail).toBe('agreement not found');
  });

  it('names each bad field in errors', () => {
    const problem = toProblem(
      new AppError('VALIDATION', 'bad', { fields: [{ path: 'vehicles.0.plate', message: 'not a plate' }] }),
    );
    expect(problem.body.errors).toEqual([{ path: 'vehicles.0.plate', message: 'not a plate' }]);
  });

  it('builds the type from a specific problem suffix', () => {
    const problem = toProblem(new AppError('RULE_VIOLATED', 'x', { type: 'idempotency-key-reused' }));
    expect(problem.body.type).toBe('https://errors.parking.example/idempotency-key-reused');
  });

  it('sends Retry-After when rate limited', () => {
    const problem = toProblem(new AppError('RATE_LIMITED', 'slow down', { retryAfter: 41.2 }));
    expect(problem.headers['retry-after']).toBe('42');
    expect(toProblem({ code: 'RATE_LIMITED', message: 'x' }).headers['retry-after']).toBe('60');
  });

  it('adds extension data without overwriting the standard members', () => {
    const problem = toProblem(
      new AppError('PAYMENT_DECLINED', 'declined', { data: { agreementId: 'a-1', status: 200, type: 'x' } }),
    );
    expect(problem.body).toMatchObject({ agreementId: 'a-1', status: 402 });
    expect(problem.body.type).toBe('https://errors.parking.example/payment-declined');
  });

  it('leaks nothing of an unexpected error', () => {
    const err = Object.assign(new Error('password=s3cret at /srv/db.ts:12'), {
      code: 'ECONNREFUSED',
      data: { a: 1 },
    });
    const problem = toProblem(err);
    expect(problem.status).toBe(500);
    expect(problem.body).toEqual({
      type: 'https://errors.parking.example/internal',
      title: 'Internal error',
      status: 500,
      detail: 'Something went wrong on our side.',
    });
  });

  it('leaks nothing of an INTERNAL reply either', () => {
    const problem = toProblem({
      code: 'INTERNAL',
      message: 'relation "x" does not exist',
      fields: [{ path: 'sql', message: 'x' }],
    });
    expect(JSON.stringify(problem.body)).not.toMatch(/relation|sql/);
  });

  it('treats strings, nulls and look-alikes as unknown errors', () => {
    for (const thrown of ['boom', null, undefined, { code: 'TEAPOT', message: 'x' }])
      expect(toProblem(thrown).status).toBe(500);
  });

  it("maps Fastify's own refusals of a request body", () => {
    expect(toProblem({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413, message: 'x' }).status).toBe(413);
    expect(
      toProblem({ code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400, message: 'Unexpected token' }).body,
    ).toMatchObject({
      status: 400,
      detail: 'The request could not be read',
    });
  });

  it('keeps a 503 detail naming a NATS subject only in dev mode', () => {
    const err = new AppError('UNAVAILABLE', 'agreement.purchase: TIMEOUT');
    expect(toProblem(err, { devMode: true }).body.detail).toBe('agreement.purchase: TIMEOUT');
    const prod = toProblem(err).body;
    expect(prod.status).toBe(503);
    expect(JSON.stringify(prod)).not.toMatch(/agreement\.purchase|TIMEOUT/);
  });

  it('never shows a 409 with stream ids, versions or constraint names', () => {
    const storeConflict = new AppError('CONFLICT', 'stream agreement-123 is at another version', {
      data: { streamId: 'agreement-123', expectedVersion: 4, constraint: 'events_stream_version_key' },
    });
    for (const devMode of [true, false]) {
      const body = toProblem(storeConflict, { devMode }).body;
      expect(body.status).toBe(409);
      expect(JSON.stringify(body)).not.toMatch(/agreement-123|expectedVersion|constraint|events_/);
    }
    // What API.md names stays: the sold-out product, the agreements renewing with a card.
    const soldOut = new AppError('CONFLICT', 'The product is sold out', {
      type: 'sold-out',
      fields: [{ path: 'productId', message: 'sold out' }],
      data: { productId: 'p-1', internal: 'x' },
    });
    expect(toProblem(soldOut).body).toMatchObject({ errors: [{ path: 'productId', message: 'sold out' }] });
    expect(toProblem(soldOut).body).not.toHaveProperty('internal');
    const renewing = new AppError('CONFLICT', 'renews with this card', { data: { agreementIds: ['a-1'] } });
    expect(toProblem(renewing).body).toMatchObject({ agreementIds: ['a-1'] });
  });
});
