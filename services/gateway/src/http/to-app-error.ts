// Anything a request can fail with — our AppErrors, zod errors, Nest's and Fastify's HTTP errors, bugs —
// as an AppError, so that one mapping (toProblem) answers them all. Pure.
import { HttpException } from '@nestjs/common';
import { AppError, isAppError, zodFieldErrors, type ErrorCode } from '@parking/contracts';
import type { z } from 'zod';

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION',
  401: 'UNAUTHENTICATED',
  402: 'PAYMENT_DECLINED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  410: 'GONE',
  413: 'PAYLOAD_TOO_LARGE',
  422: 'RULE_VIOLATED',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

function fromHttpStatus(status: number, cause: unknown, route: string): AppError {
  const code = (cause as { code?: string } | undefined)?.code ?? '';
  if (status === 404) return new AppError('NOT_FOUND', `No route ${route}`);
  if (status === 413)
    return new AppError('PAYLOAD_TOO_LARGE', 'The request body is larger than allowed (64 KiB)');
  if (status === 415)
    return new AppError('VALIDATION', 'Send JSON', {
      fields: [{ path: 'content-type', message: 'must be application/json' }],
    });
  if (status === 400 && (cause instanceof SyntaxError || /INVALID_JSON/.test(code)))
    return new AppError('VALIDATION', 'The body is not valid JSON', {
      fields: [{ path: '(body)', message: 'not valid JSON' }],
    });
  if (status === 400 && /EMPTY_JSON/.test(code))
    return new AppError('VALIDATION', 'The body is empty', {
      fields: [{ path: '(body)', message: 'required' }],
    });
  const mapped = BY_STATUS[status];
  if (mapped) return new AppError(mapped, 'The request cannot be served');
  if (status >= 400 && status < 500) return new AppError('VALIDATION', 'The request is malformed');
  return new AppError('INTERNAL', 'internal error');
}

/** `route` is `METHOD /path` without the query (which may carry a phone number). */
export function toAppError(err: unknown, route: string): AppError {
  if (isAppError(err)) return err;
  if (err instanceof Error && err.name === 'ZodError') {
    return new AppError('VALIDATION', 'The request is not valid', {
      fields: zodFieldErrors(err as z.ZodError),
    });
  }
  if (err instanceof HttpException) return fromHttpStatus(err.getStatus(), err.cause ?? err, route);
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return fromHttpStatus(status, err, route);
  return new AppError('INTERNAL', 'internal error');
}
