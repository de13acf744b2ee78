// One mapping of error codes to HTTP: problem+json bodies (RFC 9457) that never leak internals.
import { isAppError, type ErrorBody, type ErrorCode } from '@parking/contracts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://errors.parking.example/';

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

const TITLE: Record<ErrorCode, string> = {
  VALIDATION: 'The request is malformed',
  UNAUTHENTICATED: 'Authentication is required',
  PAYMENT_DECLINED: 'The payment was declined',
  FORBIDDEN: 'Not allowed',
  NOT_FOUND: 'Not found',
  CONFLICT: 'Conflict',
  GONE: 'Gone',
  PAYLOAD_TOO_LARGE: 'The request body is too large',
  RULE_VIOLATED: 'A business rule refuses the request',
  RATE_LIMITED: 'Too many requests',
  UNAVAILABLE: 'The service is unavailable',
  INTERNAL: 'Internal error',
};

export const httpStatusOf = (code: ErrorCode): number => STATUS[code] ?? 500;

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
  [extra: string]: unknown;
}

function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorBody).code === 'string' &&
    Object.hasOwn(STATUS, (value as ErrorBody).code) &&
    typeof (value as ErrorBody).message === 'string'
  );
}

/** Fastify's own refusals (unreadable JSON, body too large, wrong content type) carry a 4xx statusCode. */
function fromFastify(err: unknown): ErrorBody | null {
  const { code, statusCode } = (err ?? {}) as { code?: unknown; statusCode?: unknown };
  if (typeof code !== 'string' || !code.startsWith('FST_') || typeof statusCode !== 'number') return null;
  if (statusCode === 413) return { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' };
  if (statusCode === 415) return { code: 'VALIDATION', message: 'The content type is not supported' };
  if (statusCode >= 400 && statusCode < 500)
    return { code: 'VALIDATION', message: 'The request could not be read' };
  return null;
}

const INTERNAL_DETAIL = 'Something went wrong on our side.';
const UNAVAILABLE_DETAIL = 'The service is unavailable right now; try again shortly.';
const CONCURRENT_CHANGE_DETAIL = 'The resource was changed at the same time; try again.';

/**
 * What a 409 may carry beyond its detail and `errors` (API.md names these for the client); never the
 * event store's stream ids, versions or constraint names.
 */
const CONFLICT_EXTENSIONS = new Set(['agreementIds']);
const isStoreConflict = (data: unknown) =>
  typeof data === 'object' &&
  data !== null &&
  ('streamId' in data || 'expectedVersion' in data || 'constraint' in data);

/** The problem+json response for an AppError, an ErrorBody from a NATS reply, or anything thrown. */
/**
 * `devMode` (not production) keeps a 503's own detail, which may name a NATS subject or a raw error;
 * in production every 5xx says only what kind of failure it was (the gateway logs the rest).
 */
export function toProblem(
  err: unknown,
  options: { instance?: string; devMode?: boolean } = {},
): { status: number; headers: Record<string, string>; body: ProblemBody } {
  const body: ErrorBody | null = isAppError(err) ? err.toBody() : isErrorBody(err) ? err : fromFastify(err);
  const code: ErrorCode = body?.code ?? 'INTERNAL';
  const status = httpStatusOf(code);
  const internal = code === 'INTERNAL';
  const hidden = internal || (code === 'UNAVAILABLE' && !options.devMode);
  const storeConflict = code === 'CONFLICT' && isStoreConflict(body?.data);
  const problem: ProblemBody = {
    type: `${TYPE_BASE}${(!internal && body?.type) || code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLE[code],
    status,
    detail: internal
      ? INTERNAL_DETAIL
      : hidden
        ? UNAVAILABLE_DETAIL
        : storeConflict
          ? CONCURRENT_CHANGE_DETAIL
          : body?.message || TITLE[code],
  };
  if (!hidden && body?.fields?.length)
    problem.errors = body.fields.map(({ path, message }) => ({ path, message }));
  if (options.instance) problem.instance = options.instance;
  if (!hidden && body?.data && typeof body.data === 'object' && !Array.isArray(body.data)) {
    // Extension members may add to the problem, never rewrite its standard members.
    for (const [key, value] of Object.entries(body.data)) {
      if (key in problem) continue;
      if (code === 'CONFLICT' && !CONFLICT_EXTENSIONS.has(key)) continue;
      problem[key] = value;
    }
  }
  const headers: Record<string, string> = { 'content-type': PROBLEM_CONTENT_TYPE };
  if (code === 'RATE_LIMITED') {
    const seconds = Math.max(1, Math.ceil(body?.retryAfter ?? 60));
    headers['retry-after'] = String(seconds);
    problem.retryAfter = seconds;
  }
  return { status, headers, body: problem };
}
